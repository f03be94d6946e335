"""The API's views: thin, each queryset from `Model.objects.for_user(request.user)`."""
