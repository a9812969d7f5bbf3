"""The HTTP API (django-ninja); routers per capability are added here."""

from ninja import NinjaAPI

api = NinjaAPI(title="信用信息平台接口", version="1", urls_namespace="api")


@api.get("/ping", summary="健康检查", auth=None)
def ping(request):  # type: ignore[no-untyped-def]
    """A trivial endpoint; benchmarks use it as the server's baseline."""
    return {"ok": True}
