"""One module per thing, each an ``APIRouter(prefix="/api/v1/...", tags=[...])``."""
