from django.urls import path

from . import aggregators, feeds, sitemaps, views

app_name = "seo"

urlpatterns = [
    path("robots.txt", views.robots_txt, name="robots"),
    path("favicon.ico", views.favicon_ico, name="favicon"),
    path("feeds/rss/", feeds.site_rss, name="feed-rss"),
    path("feeds/atom/", feeds.site_atom, name="feed-atom"),
    path("feeds/section/<slug:slug>/rss/", feeds.section_rss, name="section-feed-rss"),
    path("feeds/section/<slug:slug>/atom/", feeds.section_atom, name="section-feed-atom"),
    path("feeds/topic/<slug:slug>/rss/", feeds.topic_rss, name="topic-feed-rss"),
    path("feeds/topic/<slug:slug>/atom/", feeds.topic_atom, name="topic-feed-atom"),
    path("feeds/author/<slug:slug>/rss/", feeds.author_rss, name="author-feed-rss"),
    path("feeds/author/<slug:slug>/atom/", feeds.author_atom, name="author-feed-atom"),
]

# Aggregator feeds (kisha.seo.aggregators).
urlpatterns += [
    path("feeds/smartnews/", aggregators.smartnews_rss, name="feed-smartnews"),
    path("feeds/partner/", aggregators.partner_rss, name="feed-partner"),
]

# Sitemaps (kisha.seo.sitemaps). The index is /sitemap.xml (kisha/urls.py). A sitemap may only
# list URLs at or below its own folder (sitemaps.org), so they sit at the root.
urlpatterns += [
    path("sitemap-articles-<int:number>.xml", sitemaps.sitemap_articles, name="sitemap-articles"),
    path("sitemap-news.xml", sitemaps.sitemap_news, name="sitemap-news"),
    path("sitemap-pages.xml", sitemaps.sitemap_pages, name="sitemap-pages"),
    path("sitemap-authors.xml", sitemaps.sitemap_authors, name="sitemap-authors"),
]
