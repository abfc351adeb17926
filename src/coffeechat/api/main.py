from ninja import NinjaAPI

api = NinjaAPI(title="Coffeechat API", version="1", urls_namespace="api")
