# The image docker-compose.yml runs: Python 3.12 with the portal and its npm front-end packages.
FROM node:22-bookworm-slim AS frontend
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM python:3.12-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
RUN useradd --create-home --uid 1000 portal
# Dependencies first (a layer that changes only with the lock file): exactly the pinned
# versions, each checked against its hash; then the portal itself, which brings nothing else.
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock
COPY pyproject.toml README.md ./
COPY protocol_portal ./protocol_portal
COPY enquiries ./enquiries
COPY complaints ./complaints
COPY interests ./interests
COPY access_requests ./access_requests
RUN pip install --no-cache-dir --no-deps --no-build-isolation .
COPY . .
# /source-code.zip (AGPL s.13) for a site with no git repository: the image's own source as
# copied above (.dockerignore keeps history, environments, data and secrets out), zipped before
# anything is installed or built beside it.
RUN python -c "import shutil; shutil.make_archive('/tmp/source-code', 'zip', '/app')" \
 && mv /tmp/source-code.zip /app/source-code.zip
ENV SOURCE_ARCHIVE=/app/source-code.zip
COPY --from=frontend /app/node_modules ./node_modules
RUN DEBUG=false SECRET_KEY=build-only ALLOWED_HOSTS=localhost STATIC_ROOT=/app/var/static \
    python manage.py collectstatic --no-input \
 && mkdir -p /data/attachments && chown -R portal /app/var /data
USER portal
EXPOSE 8000
