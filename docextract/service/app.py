"""The FastAPI application: API, review page, workers, and the checks in front of them all."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline

from docextract import __version__
from docextract.review.render import ASSETS
from docextract.review.sourcefiles import SourceFiles
from docextract.service import routes_api, routes_review
from docextract.service.access_log import queries_hidden
from docextract.service.auth import ApiKeyMiddleware
from docextract.service.errors import install_error_handlers
from docextract.service.extraction import ExtractPool
from docextract.service.limits import BodySizeLimitMiddleware, request_limits
from docextract.service.lockout import AuthLockout
from docextract.service.retention import RetentionSweeper
from docextract.service.schemas import Health
from docextract.service.settings import ServiceSettings
from docextract.service.worker import JobWorker
from docextract.store import batch_lock, open_store

DESCRIPTION = """Verified records from 财政项目支出绩效自评表 (fiscal project performance self-evaluation forms).

Every route but `/healthz` needs `Authorization: Bearer <DOCEXTRACT_API_KEY>`. Files are judged by content
(PDF, image or text export), not by name. Errors are JSON: `{"error": <code>, "reason": <sentence>}`.
Flagged forms are reviewed at `/review/`."""


def create_app(settings: ServiceSettings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # The server writes the data folder's database as a batch would: no batch may write there meanwhile.
        with batch_lock(settings.data), queries_hidden():
            open_store(settings.data).close()  # created, or brought to this schema version, once
            app.state.retention = RetentionSweeper(settings)
            app.state.retention.start()  # a first sweep before the server answers
            app.state.extract_pool = ExtractPool(settings.extract_workers)
            app.state.job_worker = JobWorker(settings)
            app.state.job_worker.start()
            try:
                yield
            finally:
                app.state.job_worker.stop()
                app.state.extract_pool.close()
                app.state.retention.stop()

    app = FastAPIOffline(title="docextract", version=__version__, description=DESCRIPTION, lifespan=lifespan,
                         static_url="/docs/assets")  # /docs and /redoc without a CDN
    app.state.settings = settings
    app.state.source_files = SourceFiles(settings.uploads, settings.inputs)
    install_error_handlers(app)
    app.include_router(routes_api.router)
    app.include_router(routes_review.router)
    app.mount("/review/assets", StaticFiles(directory=ASSETS), name="review-assets")

    @app.get("/healthz", response_model=Health, tags=["health"], summary="Liveness; needs no key")
    def healthz() -> Health:
        return Health()

    app.state.auth_lockout = AuthLockout(settings.max_auth_failures, settings.auth_lockout)  # the sign-in's too
    # Added last, so it runs first: lock-outs and the key are checked before a body is read, then its size.
    max_bytes, by_path = request_limits(settings)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=max_bytes, by_path=by_path)
    app.add_middleware(ApiKeyMiddleware, api_key=settings.api_key, lockout=app.state.auth_lockout)
    return app
