# The Airflow image of ministry-watch: the official image plus this project, pinned by the lock.
FROM apache/airflow:3.3.2-python3.11

USER root
RUN apt-get update -q \
    && apt-get install -y -q --no-install-recommends libpq5 \
    && apt-get clean && rm -rf /var/lib/apt/lists/*
USER airflow

WORKDIR /opt/ministry-watch
COPY --chown=airflow:root requirements.lock pyproject.toml README.md ./
RUN pip install --no-cache-dir "apache-airflow==${AIRFLOW_VERSION}" -r requirements.lock

COPY --chown=airflow:root storage ./storage
COPY --chown=airflow:root pipeline ./pipeline
COPY --chown=airflow:root scrapers ./scrapers
COPY --chown=airflow:root web ./web
COPY --chown=airflow:root testbed ./testbed
RUN pip install --no-cache-dir --no-deps .

WORKDIR /opt/airflow
COPY --chown=airflow:root dags /opt/airflow/dags
