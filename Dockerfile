# Eldercare application image: web (uvicorn), task worker and alarm ingester run from the same image with
# different commands (see compose.yaml). Build: docker build -t eldercare:0.1.0 .
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=eldercare.settings STATIC_ROOT=/srv/eldercare/staticfiles \
    MEDIA_ROOT=/srv/eldercare/media MANUALS_ROOT=/srv/eldercare/app/build/manuals

# WeasyPrint (PDF reports and manuals) needs Pango; pg_dump for backups; CJK fonts for PDFs.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b \
        postgresql-client fonts-noto-cjk make \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home /srv/eldercare --create-home eldercare

WORKDIR /srv/eldercare/app
COPY pyproject.toml README.md ./
COPY eldercare ./eldercare
RUN pip install .
COPY manage.py Makefile CHANGELOG.md ./
COPY docs ./docs

# Static files and manuals are built into the image; the build needs throwaway secrets only.
RUN SECRET_KEY=build FIELD_ENCRYPTION_KEY=ZWxkZXJjYXJlLWJ1aWxkLW9ubHkta2V5LTMyLWJ5dGVzIQ== \
    LOOKUP_HASH_KEY=build python manage.py collectstatic --noinput \
 && SECRET_KEY=build FIELD_ENCRYPTION_KEY=ZWxkZXJjYXJlLWJ1aWxkLW9ubHkta2V5LTMyLWJ5dGVzIQ== \
    LOOKUP_HASH_KEY=build python manage.py build_manuals \
 && mkdir -p /srv/eldercare/media /srv/eldercare/backups \
 && chown -R eldercare:eldercare /srv/eldercare

USER eldercare
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"
CMD ["uvicorn", "eldercare.asgi:application", "--host", "0.0.0.0", "--port", "8000", "--proxy-headers", "--forwarded-allow-ips", "*"]
