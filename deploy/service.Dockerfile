# The one image recipe for every service; the build argument SERVICE names which. Build from
# the repository root (the image needs the shared libraries):
#   docker build -f deploy/service.Dockerfile --build-arg SERVICE=intake -t chizhou/intake .
# The staff console, which owns no data (no migrations) and serves browser libraries from
# npm, has its own recipe beside this one: deploy/console.Dockerfile.
FROM python:3.11-slim AS build
ARG SERVICE
COPY --from=ghcr.io/astral-sh/uv:0.13.9 /uv /usr/local/bin/uv
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never
WORKDIR /app
# uv checks the lock against every workspace member, so their pyproject files come along;
# only the service and the two libraries it runs on bring their code.
COPY pyproject.toml uv.lock ./
COPY libs/devstack/pyproject.toml libs/devstack/
COPY services/intake/pyproject.toml services/intake/
COPY services/survey/pyproject.toml services/survey/
COPY services/review/pyproject.toml services/review/
COPY services/dispatch/pyproject.toml services/dispatch/
COPY services/settlement/pyproject.toml services/settlement/
COPY services/archive/pyproject.toml services/archive/
COPY services/console/pyproject.toml services/console/
COPY libs/contracts libs/contracts
COPY libs/civic libs/civic
COPY services/${SERVICE} services/${SERVICE}
RUN uv sync --locked --no-dev --package ${SERVICE}

FROM python:3.11-slim
ARG SERVICE
RUN useradd --system --uid 10001 civic
ENV PATH=/app/.venv/bin:$PATH PYTHONUNBUFFERED=1 SERVICE=${SERVICE}
WORKDIR /app
COPY --from=build /app /app
USER civic
EXPOSE 8000
# Migrate (once, under an advisory lock however many replicas start), then serve HTTP and
# Kafka from one process.
CMD ["sh", "-c", "alembic -c services/$SERVICE/alembic.ini upgrade head && exec uvicorn $SERVICE.main:create_app --factory --host 0.0.0.0 --port 8000 --no-access-log"]
