# One image for every Stratolab service in docker-compose.yml (web, worker, beat, migrate).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    STRATOLAB_HOME=/var/lib/stratolab

WORKDIR /app
COPY pyproject.toml README.md manage.py ./
COPY console ./console
COPY services ./services
COPY templates ./templates
COPY static ./static
# Editable, so settings find templates/ and static/ beside the packages.
RUN pip install --no-cache-dir -e .

# Static files are collected into the image; gunicorn serves them (WhiteNoise).
# SECRET_KEY here only keeps settings from writing a key file into the image.
RUN useradd --system --home-dir /var/lib/stratolab stratolab \
    && mkdir -p /var/lib/stratolab \
    && SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
    && chown -R stratolab /var/lib/stratolab

USER stratolab
EXPOSE 8000
CMD ["gunicorn", "console.wsgi:application", "--bind", "0.0.0.0:8000", \
     "--worker-class", "gthread", "--workers", "4", "--threads", "4", "--access-logfile", "-"]
