# frontdesk in a container: the wheel (with the bundled demo content) on a slim Python base,
# run as an unprivileged user. Build: docker build -t frontdesk .
# Run (Socket Mode, no public URL needed): see compose.yaml and docs/operations.md.

FROM python:3.12-slim AS build
WORKDIR /src
COPY pyproject.toml setup.py MANIFEST.in README.md LICENSE ./
COPY bot ./bot
COPY flows ./flows
COPY knowledge ./knowledge
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    FRONTDESK_LOG_FORMAT=json
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links=/wheels frontdesk \
    && rm -rf /wheels \
    && useradd --system --uid 10001 --create-home --home-dir /home/frontdesk frontdesk
USER frontdesk
WORKDIR /home/frontdesk
# The embedded SQLite database lives here when FRONTDESK_DATABASE_URL is not set.
VOLUME ["/home/frontdesk/.local/share/frontdesk"]
# 3000: `serve --http` (Slack's Request URL); 8080: /healthz, /readyz, /metrics.
EXPOSE 3000 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4).status == 200 else 1)"]
ENTRYPOINT ["frontdesk"]
CMD ["serve", "--socket", "--host", "0.0.0.0", "--health-port", "8080"]
