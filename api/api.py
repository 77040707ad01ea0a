from ninja import NinjaAPI

api = NinjaAPI(title="sendpath API", version="1", urls_namespace="api")
