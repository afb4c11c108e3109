# The staff console's image. It differs from the six services' recipe (service.Dockerfile) in
# two ways: it owns no data, so nothing migrates before it serves; and its pages load htmx
# and Apache ECharts, which a node stage installs from npm at the versions
# services/console/package-lock.json pins (as `make bootstrap` does with
# scripts/ensure-console-assets.sh). Build from the repository root:
#   docker build -f deploy/console.Dockerfile -t chizhou/console .
# The target `dev-sign-in` is the development OpenID Connect issuer (libs/devstack) that
# compose runs beside it for local use only; it is never part of the console's image:
#   docker build -f deploy/console.Dockerfile --target dev-sign-in -t chizhou/dev-sign-in .
FROM node:22-slim AS assets
WORKDIR /assets
COPY services/console/package.json services/console/package-lock.json ./
# `npm ci` installs exactly the lock (integrity-checked); the packages need no install scripts.
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && mkdir vendor \
 && cp node_modules/htmx.org/dist/htmx.min.js node_modules/echarts/dist/echarts.min.js vendor/

FROM python:3.11-slim AS workspace
COPY --from=ghcr.io/astral-sh/uv:0.13.9 /uv /usr/local/bin/uv
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never
WORKDIR /app
# uv checks the lock against every workspace member, so their pyproject files come along;
# the two libraries bring their code, and each image below its own package.
COPY pyproject.toml uv.lock ./
COPY libs/devstack/pyproject.toml libs/devstack/
COPY services/intake/pyproject.toml services/intake/
COPY services/survey/pyproject.toml services/survey/
COPY services/review/pyproject.toml services/review/
COPY services/dispatch/pyproject.toml services/dispatch/
COPY services/settlement/pyproject.toml services/settlement/
COPY services/archive/pyproject.toml services/archive/
COPY libs/contracts libs/contracts
COPY libs/civic libs/civic
COPY services/console/pyproject.toml services/console/

FROM workspace AS build
COPY services/console/src services/console/src
RUN uv sync --locked --no-dev --package console
COPY --from=assets /assets/vendor services/console/src/console/static/vendor

# The development sign-in: devstack and the two libraries, nothing of the console. It refuses
# to start when ENVIRONMENT is staging or production (devstack.oidc_issuer).
FROM workspace AS dev-sign-in-build
COPY libs/devstack libs/devstack
RUN uv sync --locked --no-dev --package devstack

FROM python:3.11-slim AS dev-sign-in
RUN useradd --system --uid 10001 civic
ENV PATH=/app/.venv/bin:$PATH PYTHONUNBUFFERED=1
WORKDIR /app
COPY --from=dev-sign-in-build /app /app
USER civic
EXPOSE 8090
# Port 8090: compose runs it in the console's network namespace, where the console has 8000.
CMD ["uvicorn", "devstack.services:dev_sign_in_app", "--factory", "--host", "0.0.0.0", "--port", "8090", "--no-access-log"]

# The console (the last stage: what `docker build` makes without --target).
FROM python:3.11-slim AS console
RUN useradd --system --uid 10001 civic
ENV PATH=/app/.venv/bin:$PATH PYTHONUNBUFFERED=1 SERVICE=console
WORKDIR /app
COPY --from=build /app /app
USER civic
EXPOSE 8000
# No migrations: the console keeps nothing but its users' sessions, in their cookies.
CMD ["uvicorn", "console.main:create_app", "--factory", "--host", "0.0.0.0", "--port", "8000", "--no-access-log"]
