"""What every workspace page carries: the way to each section, and an icon so browsers ask for nothing missing."""

import re

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_the_handouts_page_is_in_the_practitioners_navigation(client, alice):
    client.force_login(alice)

    page = client.get("/clients/").content.decode()

    nav = re.search(r'<nav aria-label="Main">(.*?)</nav>', page, re.S).group(1)
    assert 'href="/handouts/batches/">Handouts</a>' in nav


def test_every_page_names_an_icon_that_exists_so_no_favicon_request_fails(client, alice):
    client.force_login(alice)

    for url in ("/accounts/login/", "/clients/", "/library/"):
        page = client.get(url).content.decode()
        icon = re.search(r'<link rel="icon" href="/static/([^"]+)"', page)
        assert icon, url
        assert finders.find(icon.group(1)), icon.group(1)
