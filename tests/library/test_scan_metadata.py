"""File metadata fills empty, unlocked fields and is audited as `scanner` (platform §8.2)."""

from __future__ import annotations

from sqlalchemy import select

from colophon.metadata.models import (
    BookExternalId,
    BookExternalLink,
    BookGenre,
    BookTag,
    Genre,
    SeriesExternalId,
    SeriesGenre,
    Tag,
)
from tests.library.builders import (
    comicinfo_xml,
    opf_document,
    touch_later,
    write_blob,
    write_cbz,
    write_epub,
    write_series_json,
)
from tests.library.conftest import ScannedLibrary

FULL_COMICINFO = comicinfo_xml(
    Title="The Long Night",
    Series="Saga Deluxe",
    Number="7",
    Volume="2",
    Summary="  Alana and Marko\nkeep running.  ",
    Year="2014",
    Month="3",
    Day="19",
    Writer="Brian K. Vaughan",
    Penciller="Fiona Staples, Brian K. Vaughan",
    Letterer="Fonografiks",
    CoverArtist="Fiona Staples",
    Publisher="Image",
    Imprint="Image Shadowline",
    Genre="Space Opera, Fantasy, space opera",
    Tags="war,  romance ",
    LanguageISO="EN",
    Manga="YesAndRightToLeft",
    AgeRating="Mature 17+",
    GTIN="978-0-13-468599-1, 9780134685990",
    Web="https://www.comixology.com/saga/7 https://imagecomics.com/saga not-a-url",
)


async def linked_names(library: ScannedLibrary, link: type, taxonomy: type) -> list[str]:
    """Display names linked through ``link`` (one entity per test, so no owner filter)."""
    taxonomy_id = link.genre_id if taxonomy is Genre else link.tag_id
    async with library.db.read() as session:
        rows = await session.scalars(select(taxonomy.name).join(link, taxonomy_id == taxonomy.id))
        return sorted(rows)


async def test_comicinfo_fills_the_book_and_the_series_of_its_first_book(
    library: ScannedLibrary,
) -> None:
    """§8.2 table: every ComicInfo element lands in its book or series field."""
    write_cbz(library.root / "Saga" / "Saga 07.cbz", pages=3, comicinfo=FULL_COMICINFO)

    await library.scan()

    book = await library.book_metadata("Saga/Saga 07.cbz")
    assert (book.title, book.search_title) == ("The Long Night", "the long night")
    assert (book.number, book.volume, book.year, book.month, book.day) == ("7", 2, 2014, 3, 19)
    assert book.summary == "Alana and Marko\nkeep running."
    assert book.authors == [
        {"name": "Brian K. Vaughan", "role": "writer"},
        {"name": "Fiona Staples", "role": "penciller"},
        {"name": "Brian K. Vaughan", "role": "penciller"},
        {"name": "Fonografiks", "role": "letterer"},
        {"name": "Fiona Staples", "role": "cover_artist"},
    ]
    assert (book.publisher, book.imprint, book.language) == ("Image", "Image Shadowline", "en")
    # Only checksummed ISBNs survive: the second GTIN has a wrong check digit.
    assert book.isbns == ["9780134685991"]
    assert (await library.book("Saga/Saga 07.cbz")).page_count == 3
    assert await linked_names(library, BookGenre, Genre) == ["Fantasy", "Space Opera"]
    assert await linked_names(library, BookTag, Tag) == ["romance", "war"]
    async with library.db.read() as session:
        links = await session.execute(select(BookExternalLink.source, BookExternalLink.url))
        assert sorted(links.all()) == [
            ("comixology.com", "https://www.comixology.com/saga/7"),
            ("imagecomics.com", "https://imagecomics.com/saga"),
        ]
    series = await library.series_metadata("Saga")
    assert (series.title, series.search_title) == ("Saga Deluxe", "saga deluxe")
    assert (series.year, series.publisher, series.language) == (2014, "Image", "en")
    assert (series.reading_direction, series.age_rating) == ("rtl", 17)
    series_genres = await linked_names(library, SeriesGenre, Genre)
    assert series_genres == ["Fantasy", "Space Opera"]


async def test_every_scanner_write_is_audited_with_source_scanner(library: ScannedLibrary) -> None:
    """§8.2 rule 1 and metadata §6.1: one row per written field, no run, no user."""
    write_cbz(library.root / "Saga" / "Saga 07.cbz", comicinfo=FULL_COMICINFO)

    await library.scan()

    book = await library.book("Saga/Saga 07.cbz")
    rows = await library.audit_rows(book.id)
    assert {row.field for row in rows} == {
        "title", "summary", "number", "volume", "publisher", "imprint", "year", "month", "day",
        "language", "authors", "isbns", "genres", "tags", "externalLinks",
    }  # fmt: skip
    assert {(row.source, row.run_id, row.user_id, row.entity_type) for row in rows} == {
        ("scanner", None, None, "book")
    }
    title_row = next(row for row in rows if row.field == "title")
    assert (title_row.before, title_row.after) == (None, "The Long Night")
    genres_row = next(row for row in rows if row.field == "genres")
    assert (genres_row.before, genres_row.after) == ([], ["Fantasy", "Space Opera"])
    series_rows = await library.audit_rows((await library.series())["Saga"].id)
    assert {row.field for row in series_rows} == {
        "title", "year", "publisher", "genres", "language", "readingDirection", "ageRating",
    }  # fmt: skip


async def test_age_ratings_map_to_numbers_and_unknown_labels_to_null(
    library: ScannedLibrary,
) -> None:
    """§8.2 table: AgeRating labels."""
    labels = {"A": "Everyone 10+", "B": "Teen", "C": "MA15+", "D": "R18+", "E": "Banana"}
    for folder, label in labels.items():
        write_cbz(library.root / folder / "1.cbz", comicinfo=comicinfo_xml(AgeRating=label))

    await library.scan()

    ages = {folder: (await library.series_metadata(folder)).age_rating for folder in labels}
    assert ages == {"A": 10, "B": 13, "C": 15, "D": 18, "E": None}


async def test_series_json_fills_the_series_and_names_it(library: ScannedLibrary) -> None:
    """§8.2 rule 5: series.json wins the title over ComicInfo and fills its fields."""
    write_series_json(
        library.root / "Saga",
        name="Saga (2012)",
        publisher="Image Comics",
        imprint="Shadowline",
        year=2012,
        comicid=49901,
        description_text=None,
        description_formatted="<p>Star-crossed <b>lovers</b>.</p><p>A war.</p>",
        status="Continuing",
        age_rating="17+",
        total_issues=54,
    )
    write_cbz(library.root / "Saga" / "Saga 07.cbz", comicinfo=FULL_COMICINFO)

    await library.scan()

    series = await library.series_metadata("Saga")
    assert (series.title, series.publisher, series.imprint) == (
        "Saga (2012)",
        "Image Comics",
        "Shadowline",
    )
    assert (series.year, series.status, series.age_rating) == (2012, "ongoing", 17)
    assert series.summary == "Star-crossed lovers.\nA war."
    # ComicInfo of the first book still fills what series.json left empty.
    assert (series.language, series.reading_direction) == ("en", "rtl")
    async with library.db.read() as session:
        ids = await session.execute(
            select(
                SeriesExternalId.source, SeriesExternalId.external_id, SeriesExternalId.external_url
            )
        )
        assert ids.all() == [
            ("mylar", "49901", "https://comicvine.gamespot.com/volume/4050-49901/")
        ]


async def test_epub_opf_fills_the_book(library: ScannedLibrary) -> None:
    """§8.2 rule 4: OPF fields, roles, ISBNs, subjects, series position and the unique id."""
    opf = opf_document(
        '<dc:identifier id="bookid">urn:uuid:7d2a1c36-0d4c-4c1b-9c4b-1a2b3c4d5e6f</dc:identifier>'
        '<dc:identifier opf:scheme="ISBN">0-306-40615-2</dc:identifier>'
        "<dc:identifier>urn:isbn:9780441013593</dc:identifier>"
        "<dc:title>Dune</dc:title><dc:title>Ignored second title</dc:title>"
        '<dc:creator id="c1">Frank Herbert</dc:creator>'
        '<meta refines="#c1" property="role" scheme="marc:relators">aut</meta>'
        '<dc:contributor opf:role="trl">Jane Translator</dc:contributor>'
        '<dc:contributor opf:role="ill">John Schoenherr</dc:contributor>'
        '<dc:contributor opf:role="bkp">Some Producer</dc:contributor>'
        "<dc:description>&lt;p&gt;Spice &amp;amp; &lt;i&gt;sand&lt;/i&gt;.&lt;/p&gt;"
        "</dc:description>"
        "<dc:publisher>Chilton</dc:publisher>"
        "<dc:language>en-us</dc:language><dc:language>fr</dc:language>"
        "<dc:date>1965-08-01</dc:date>"
        "<dc:subject>Science Fiction</dc:subject><dc:subject>science fiction</dc:subject>"
        "<dc:subject>Desert</dc:subject>"
        '<meta name="calibre:series_index" content="1.5"/>'
    )
    write_epub(library.root / "Dune" / "Dune.epub", opf)

    await library.scan()

    book = await library.book_metadata("Dune/Dune.epub")
    assert (book.title, book.publisher, book.language, book.year) == (
        "Dune",
        "Chilton",
        "en-US",
        1965,
    )
    assert book.authors == [
        {"name": "Frank Herbert", "role": "author"},
        {"name": "Jane Translator", "role": "translator"},
        {"name": "John Schoenherr", "role": "illustrator"},
        {"name": "Some Producer", "role": "contributor"},
    ]
    assert book.summary == "Spice & sand."
    assert book.isbns == ["0306406152", "9780441013593"]
    assert book.subjects == ["Science Fiction", "Desert"]
    assert book.series_position == 1.5
    async with library.db.read() as session:
        ids = await session.execute(select(BookExternalId.source, BookExternalId.external_id))
        assert ids.all() == [("epub", "urn:uuid:7d2a1c36-0d4c-4c1b-9c4b-1a2b3c4d5e6f")]


async def test_epub3_group_position_gives_the_series_position(library: ScannedLibrary) -> None:
    opf = opf_document(
        "<dc:title>Book Two</dc:title>"
        '<meta property="belongs-to-collection" id="c01">Saga</meta>'
        '<meta refines="#c01" property="group-position">2</meta>'
    )
    write_epub(library.root / "S" / "two.epub", opf, opf_path="content.opf")

    await library.scan()

    assert (await library.book_metadata("S/two.epub")).series_position == 2.0


async def test_a_pdf_takes_its_title_from_the_file_name(library: ScannedLibrary) -> None:
    """§8.2 rule 3."""
    write_blob(library.root / "Papers" / "Annual  Report 2020.pdf")

    await library.scan()

    assert (
        await library.book_metadata("Papers/Annual  Report 2020.pdf")
    ).title == "Annual Report 2020"


async def test_locked_or_non_empty_fields_are_never_overwritten(library: ScannedLibrary) -> None:
    """Checklist: file values fill empty fields; locked or non-empty fields are untouched."""
    path = library.root / "Saga" / "Saga 07.cbz"
    write_cbz(path, comicinfo=FULL_COMICINFO)
    await library.scan()
    # A user edit (non-empty), a locked empty field, and a field cleared without a lock.
    await library.update_book_metadata(
        "Saga/Saga 07.cbz", title="My Title", summary=None, summary_lock=True, publisher=None
    )
    await library.update_series_metadata("Saga", year=None, year_lock=True, publisher="Mine")
    audit_before = await library.audit_count()
    touch_later(path)

    await library.scan()

    book = await library.book_metadata("Saga/Saga 07.cbz")
    assert (book.title, book.summary, book.publisher) == ("My Title", None, "Image")
    series = await library.series_metadata("Saga")
    assert (series.year, series.publisher) == (None, "Mine")
    new_rows = (await library.audit_rows())[audit_before:]
    # Only the cleared, unlocked publisher was refilled, and only it was audited.
    assert [(row.entity_type, row.field, row.after) for row in new_rows] == [
        ("book", "publisher", "Image")
    ]


async def test_genres_find_or_create_by_name_key_and_keep_the_first_casing(
    library: ScannedLibrary,
) -> None:
    """Metadata §1.5: `Action` and ` action ` resolve to one genres row."""
    write_cbz(library.root / "A" / "1.cbz", comicinfo=comicinfo_xml(Genre="Action"))
    write_cbz(library.root / "B" / "1.cbz", comicinfo=comicinfo_xml(Genre=" action "))

    await library.scan()

    async with library.db.read() as session:
        assert list(await session.scalars(select(Genre.name))) == ["Action"]
        assert len((await session.execute(select(BookGenre))).all()) == 2


async def test_an_invalid_comicinfo_is_an_analysis_error_but_pages_are_counted(
    library: ScannedLibrary,
) -> None:
    write_cbz(library.root / "S" / "1.cbz", pages=4, comicinfo="<ComicInfo><Title>broken")

    result = await library.scan()

    book = await library.book("S/1.cbz")
    assert book.page_count == 4
    assert book.analysis_error is not None and book.analysis_error.startswith(
        "invalid ComicInfo.xml"
    )
    assert result.tally.errors == 1


async def test_comicinfo_is_found_case_insensitively_at_the_archive_root_only(
    library: ScannedLibrary,
) -> None:
    write_cbz(
        library.root / "S" / "1.cbz",
        comicinfo=comicinfo_xml(Title="Lower"),
        comicinfo_name="comicinfo.XML",
    )
    write_cbz(
        library.root / "S" / "2.cbz",
        extra_entries={"nested/ComicInfo.xml": comicinfo_xml(Title="Nested").encode()},
    )

    await library.scan()

    assert (await library.book_metadata("S/1.cbz")).title == "Lower"
    assert (await library.book_metadata("S/2.cbz")).title is None
