from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "xinyong.catalog"
    label = "catalog"
    verbose_name = "信用信息目录"

    def ready(self) -> None:
        # Rules are data checked at start-up: a broken catalog or publicity rule file stops
        # the platform here with the file, line and reason (CatalogError/PublicityRuleError).
        from xinyong.catalog.model import default_catalog
        from xinyong.core import publicity

        catalog = default_catalog()
        known = set(publicity.rule_ids())
        for rt in catalog.all_types():
            if rt.publicity and rt.publicity not in known:
                from xinyong.catalog.model import CatalogError

                raise CatalogError(
                    f"信息类型“{rt.code}”引用的公示规则“{rt.publicity}”不存在", rt.file, rt.line
                )
