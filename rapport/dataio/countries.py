"""Country names that exports write out in full, to ISO 3166 two-letter codes."""

COUNTRY_CODES: dict[str, str] = {
    "united states": "US", "united states of america": "US", "usa": "US", "us": "US",
    "united kingdom": "GB", "uk": "GB", "great britain": "GB", "england": "GB",
    "scotland": "GB", "wales": "GB", "ireland": "IE", "germany": "DE", "deutschland": "DE",
    "france": "FR", "spain": "ES", "españa": "ES", "italy": "IT", "italia": "IT",
    "portugal": "PT", "netherlands": "NL", "the netherlands": "NL", "belgium": "BE",
    "switzerland": "CH", "austria": "AT", "sweden": "SE", "norway": "NO", "denmark": "DK",
    "finland": "FI", "poland": "PL", "czech republic": "CZ", "czechia": "CZ", "greece": "GR",
    "turkey": "TR", "türkiye": "TR", "canada": "CA", "mexico": "MX", "méxico": "MX",
    "brazil": "BR", "brasil": "BR", "argentina": "AR", "chile": "CL", "colombia": "CO",
    "peru": "PE", "australia": "AU", "new zealand": "NZ", "india": "IN", "china": "CN",
    "japan": "JP", "south korea": "KR", "korea": "KR", "singapore": "SG", "israel": "IL",
    "south africa": "ZA", "nigeria": "NG", "kenya": "KE", "egypt": "EG",
    "united arab emirates": "AE", "uae": "AE", "saudi arabia": "SA", "indonesia": "ID",
    "philippines": "PH", "vietnam": "VN", "thailand": "TH", "malaysia": "MY", "ukraine": "UA",
    "romania": "RO", "hungary": "HU", "luxembourg": "LU", "iceland": "IS",
}  # fmt: skip
