app_name = "wire"
urlpatterns: list = []
