"""The prewarm reader of image references in entry sources."""

from __future__ import annotations

from octavo.images.references import ImageRef, entry_refs


def test_markdown_sets_container_args_and_count():
    text = (
        'Intro ![Alt{gallery_id="g",count=1,count_offset=1}](a.jpg{100} | b.jpg{crop=(0,0,5,5)}\n'
        ' "B title" | c.jpg) and ![](d.png{None,240,format="png"})'
    )
    refs = entry_refs(text, True)
    assert refs == [
        ImageRef("a.jpg", {"gallery_id": "g", "count": 1, "count_offset": 1, "width": 100}, False),
        ImageRef(
            "b.jpg", {"gallery_id": "g", "count": 1, "count_offset": 1, "crop": (0, 0, 5, 5)}, True
        ),
        ImageRef("c.jpg", {"gallery_id": "g", "count": 1, "count_offset": 1}, False),
        ImageRef("d.png", {"height": 240, "format": "png"}, True),
    ]


def test_html_img_tags_with_args_and_sizes():
    refs = entry_refs('<p><img src="x.jpg{resize=\'fill\'}" width="64" height="32"></p>', False)
    assert refs == [ImageRef("x.jpg", {"resize": "fill", "width": "64", "height": "32"})]


def test_broken_specs_are_skipped():
    assert entry_refs("![](a.jpg{oops=}) ![]( broken", True) == []
