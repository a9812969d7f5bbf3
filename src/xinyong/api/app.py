"""The HTTP API (django-ninja); routers per capability are added here."""

from ninja import NinjaAPI

from xinyong.api.auth import DEFAULT_AUTH
from xinyong.api.errors import install_error_handlers

# Every operation needs a token or a session unless it says ``auth=None`` (see api/auth.py).
api = NinjaAPI(title="信用信息平台接口", version="1", urls_namespace="api", auth=DEFAULT_AUTH)
install_error_handlers(api)


@api.get("/ping", summary="健康检查", auth=None)
def ping(request):  # type: ignore[no-untyped-def]
    """A trivial endpoint; benchmarks use it as the server's baseline."""
    return {"ok": True}


api.add_router("", "xinyong.departments.api.router")
api.add_router("/", "xinyong.api.collection.router")
api.add_router("/", "xinyong.lists.api.router")
api.add_router("/", "xinyong.jrp.api.router")
api.add_router("/", "xinyong.objections.api.router")
api.add_router("/", "xinyong.repair.api.router")
api.add_router("/", "xinyong.commitments.api.router")
api.add_router("/", "xinyong.integrity.api.router")
api.add_router("/", "xinyong.recruit.api.router")
api.add_router("/", "xinyong.arrears.api.router")
api.add_router("/", "xinyong.complaints.api.router")
api.add_router("/", "xinyong.pledges.api.router")
api.add_router("/", "xinyong.feeds.api.router")
