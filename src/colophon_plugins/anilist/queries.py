"""The two GraphQL documents the AniList plugin sends (plugins.md §11.2)."""

MEDIA_FIELDS = """
  id idMal siteUrl
  title { romaji english native }
  synonyms
  description(asHtml: false)
  status format countryOfOrigin
  startDate { year }
  volumes chapters genres
  tags { name rank isMediaSpoiler isGeneralSpoiler }
  averageScore popularity isAdult
  coverImage { extraLarge large }
  bannerImage
  externalLinks { url site type }
  staff { edges { role node { name { full } } } }
"""

SEARCH = (
    "query ($search: String, $page: Int, $perPage: Int) {"
    " Page(page: $page, perPage: $perPage) { pageInfo { hasNextPage }"
    " media(search: $search, type: MANGA, sort: SEARCH_MATCH) {" + MEDIA_FIELDS + "} } }"
)

MEDIA = "query ($id: Int) { Media(id: $id, type: MANGA) {" + MEDIA_FIELDS + "} }"
