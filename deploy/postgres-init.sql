-- The Prefect server keeps its own records in its own database on the same server.
CREATE DATABASE prefect OWNER callqa;
