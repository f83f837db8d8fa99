"""The JSON API under /api/v1/: each case app registers its viewsets on this one router."""

from rest_framework.routers import DefaultRouter

router = DefaultRouter()
