"""Pages of the knowledge base beside the article screen's own (``resources_kb.py``): the public help centre
(``help:``) and the settings of article categories (``kb:``)."""

from django.urls import include, path

from peyvand.service import views_help, views_kb

help_patterns = [
    path("", views_help.help_home_view, name="home"),
    path("<int:pk>/", views_help.help_article_view, name="article"),
    path("contact/", views_help.help_contact_view, name="contact"),
]

settings_patterns = [
    path("", views_kb.categories_view, name="categories"),
    path("<int:pk>/", views_kb.category_view, name="category"),
    path("<int:pk>/delete/", views_kb.category_delete_view, name="category-delete"),
]

urlpatterns = [
    path("help/", include((help_patterns, "help"))),
    path("settings/knowledge-base/categories/", include((settings_patterns, "kb"))),
]
