"""Liveness, for load balancers and ``callqa serve`` checks (no sign-in needed)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from fastapi import APIRouter

from api.schemas.users import Health

router = APIRouter(prefix="/api/v1", tags=["meta"])


@router.get("/health", summary="Whether the API is up (no sign-in needed)")
def health() -> Health:
    try:
        return Health(version=version("callqa"))
    except PackageNotFoundError:
        return Health(version="unknown")
