"""Occupation classifications: ISCO-08, ANZSCO and UK SOC 2020.

Each classification is a digit hierarchy in which a code's first digits are
its parent groups, so the length of the common prefix of two codes tells how
far up the tree they meet:

=============  ======  =========  =====  ==========  ==========
classification major   sub-major  minor  unit group  occupation
=============  ======  =========  =====  ==========  ==========
ISCO-08        1       2          3      4           -
ANZSCO         1       2          3      4           6
SOC 2020       1       2          3      4           -
=============  ======  =========  =====  ==========  ==========

so one prefix rule gives "same unit group > minor > sub-major > major" for
all three (ANZSCO's fifth digit is not a level and is ignored).

The titles are the official ones; the lists hold every major and sub-major
group and a selection of minor and unit groups (and ANZSCO occupations)
common among people injured at work. A well-formed code that is not listed is
still valid when its major group exists (the tree is known), it just has no
title here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

_ISCO08: Final[dict[str, str]] = {
    "0": "Armed forces occupations",
    "1": "Managers",
    "2": "Professionals",
    "3": "Technicians and associate professionals",
    "4": "Clerical support workers",
    "5": "Service and sales workers",
    "6": "Skilled agricultural, forestry and fishery workers",
    "7": "Craft and related trades workers",
    "8": "Plant and machine operators, and assemblers",
    "9": "Elementary occupations",
    "01": "Commissioned armed forces officers",
    "02": "Non-commissioned armed forces officers",
    "03": "Armed forces occupations, other ranks",
    "11": "Chief executives, senior officials and legislators",
    "12": "Administrative and commercial managers",
    "13": "Production and specialised services managers",
    "14": "Hospitality, retail and other services managers",
    "21": "Science and engineering professionals",
    "22": "Health professionals",
    "23": "Teaching professionals",
    "24": "Business and administration professionals",
    "25": "Information and communications technology professionals",
    "26": "Legal, social and cultural professionals",
    "31": "Science and engineering associate professionals",
    "32": "Health associate professionals",
    "33": "Business and administration associate professionals",
    "34": "Legal, social, cultural and related associate professionals",
    "35": "Information and communications technicians",
    "41": "General and keyboard clerks",
    "42": "Customer services clerks",
    "43": "Numerical and material recording clerks",
    "44": "Other clerical support workers",
    "51": "Personal service workers",
    "52": "Sales workers",
    "53": "Personal care workers",
    "54": "Protective services workers",
    "61": "Market-oriented skilled agricultural workers",
    "62": "Market-oriented skilled forestry, fishery and hunting workers",
    "63": "Subsistence farmers, fishers, hunters and gatherers",
    "71": "Building and related trades workers, excluding electricians",
    "72": "Metal, machinery and related trades workers",
    "73": "Handicraft and printing workers",
    "74": "Electrical and electronic trades workers",
    "75": "Food processing, wood working, garment and other craft and related trades workers",
    "81": "Stationary plant and machine operators",
    "82": "Assemblers",
    "83": "Drivers and mobile plant operators",
    "91": "Cleaners and helpers",
    "92": "Agricultural, forestry and fishery labourers",
    "93": "Labourers in mining, construction, manufacturing and transport",
    "94": "Food preparation assistants",
    "95": "Street and related sales and service workers",
    "96": "Refuse workers and other elementary workers",
    "011": "Commissioned armed forces officers",
    "112": "Managing directors and chief executives",
    "132": "Manufacturing, mining, construction, and distribution managers",
    "141": "Hotel and restaurant managers",
    "214": "Engineering professionals (excluding electrotechnology)",
    "221": "Medical doctors",
    "222": "Nursing and midwifery professionals",
    "226": "Other health professionals",
    "233": "Secondary education teachers",
    "234": "Primary school and early childhood teachers",
    "241": "Finance professionals",
    "251": "Software and applications developers and analysts",
    "261": "Legal professionals",
    "311": "Physical and engineering science technicians",
    "322": "Nursing and midwifery associate professionals",
    "331": "Financial and mathematical associate professionals",
    "411": "General office clerks",
    "412": "Secretaries (general)",
    "422": "Client information workers",
    "432": "Material-recording and transport clerks",
    "512": "Cooks",
    "513": "Waiters and bartenders",
    "522": "Shop salespersons",
    "532": "Personal care workers in health services",
    "541": "Protective services workers",
    "611": "Market gardeners and crop growers",
    "612": "Animal producers",
    "711": "Building frame and related trades workers",
    "712": "Building finishers and related trades workers",
    "721": "Sheet and structural metal workers, moulders and welders, and related workers",
    "723": "Machinery mechanics and repairers",
    "741": "Electrical equipment installers and repairers",
    "832": "Car, van and motorcycle drivers",
    "833": "Heavy truck and bus drivers",
    "834": "Mobile plant operators",
    "911": "Domestic, hotel and office cleaners and helpers",
    "931": "Mining and construction labourers",
    "932": "Manufacturing labourers",
    "933": "Transport and storage labourers",
    "0110": "Commissioned armed forces officers",
    "1120": "Managing directors and chief executives",
    "1323": "Construction managers",
    "1412": "Restaurant managers",
    "2142": "Civil engineers",
    "2211": "Generalist medical practitioners",
    "2221": "Nursing professionals",
    "2264": "Physiotherapists",
    "2330": "Secondary education teachers",
    "2341": "Primary school teachers",
    "2411": "Accountants",
    "2512": "Software developers",
    "2611": "Lawyers",
    "3112": "Civil engineering technicians",
    "3221": "Nursing associate professionals",
    "3313": "Accounting associate professionals",
    "4110": "General office clerks",
    "4120": "Secretaries (general)",
    "4222": "Contact centre information clerks",
    "4321": "Stock clerks",
    "5120": "Cooks",
    "5131": "Waiters",
    "5223": "Shop sales assistants",
    "5321": "Health care assistants",
    "5411": "Fire-fighters",
    "5412": "Police officers",
    "5414": "Security guards",
    "6111": "Field crop and vegetable growers",
    "6121": "Livestock and dairy producers",
    "7112": "Bricklayers and related workers",
    "7115": "Carpenters and joiners",
    "7126": "Plumbers and pipe fitters",
    "7212": "Welders and flamecutters",
    "7231": "Motor vehicle mechanics and repairers",
    "7411": "Building and related electricians",
    "7412": "Electrical mechanics and fitters",
    "8322": "Car, taxi and van drivers",
    "8332": "Heavy truck and lorry drivers",
    "8342": "Earthmoving and related plant operators",
    "8344": "Lifting truck operators",
    "9112": "Cleaners and helpers in offices, hotels and other establishments",
    "9313": "Building construction labourers",
    "9321": "Hand packers",
    "9333": "Freight handlers",
}

_ANZSCO: Final[dict[str, str]] = {
    "1": "Managers",
    "2": "Professionals",
    "3": "Technicians and Trades Workers",
    "4": "Community and Personal Service Workers",
    "5": "Clerical and Administrative Workers",
    "6": "Sales Workers",
    "7": "Machinery Operators and Drivers",
    "8": "Labourers",
    "11": "Chief Executives, General Managers and Legislators",
    "12": "Farmers and Farm Managers",
    "13": "Specialist Managers",
    "14": "Hospitality, Retail and Service Managers",
    "21": "Arts and Media Professionals",
    "22": "Business, Human Resource and Marketing Professionals",
    "23": "Design, Engineering, Science and Transport Professionals",
    "24": "Education Professionals",
    "25": "Health Professionals",
    "26": "ICT Professionals",
    "27": "Legal, Social and Welfare Professionals",
    "31": "Engineering, ICT and Science Technicians",
    "32": "Automotive and Engineering Trades Workers",
    "33": "Construction Trades Workers",
    "34": "Electrotechnology and Telecommunications Trades Workers",
    "35": "Food Trades Workers",
    "36": "Skilled Animal and Horticultural Workers",
    "39": "Other Technicians and Trades Workers",
    "41": "Health and Welfare Support Workers",
    "42": "Carers and Aides",
    "43": "Hospitality Workers",
    "44": "Protective Service Workers",
    "45": "Sports and Personal Service Workers",
    "51": "Office Managers and Program Administrators",
    "52": "Personal Assistants and Secretaries",
    "53": "General Clerical Workers",
    "54": "Inquiry Clerks and Receptionists",
    "55": "Numerical Clerks",
    "56": "Clerical and Office Support Workers",
    "59": "Other Clerical and Administrative Workers",
    "61": "Sales Representatives and Agents",
    "62": "Sales Assistants and Salespersons",
    "63": "Sales Support Workers",
    "71": "Machine and Stationary Plant Operators",
    "72": "Mobile Plant Operators",
    "73": "Road and Rail Drivers",
    "81": "Cleaners and Laundry Workers",
    "82": "Construction and Mining Labourers",
    "83": "Factory Process Workers",
    "84": "Farm, Forestry and Garden Workers",
    "85": "Food Preparation Assistants",
    "89": "Other Labourers",
    "331": "Bricklayers, and Carpenters and Joiners",
    "341": "Electricians",
    "733": "Truck Drivers",
    "3411": "Electricians",
    "3312": "Carpenters and Joiners",
    "7331": "Truck Drivers",
    "111111": "Chief Executive or Managing Director",
    "121221": "Vegetable Grower",
    "121313": "Dairy Cattle Farmer",
    "133111": "Construction Project Manager",
    "141111": "Cafe or Restaurant Manager",
    "221111": "Accountant (General)",
    "233211": "Civil Engineer",
    "241213": "Primary School Teacher",
    "241411": "Secondary School Teacher",
    "252511": "Physiotherapist",
    "253111": "General Practitioner",
    "254418": "Registered Nurse (Medical)",
    "254499": "Registered Nurses nec",
    "261312": "Developer Programmer",
    "261313": "Software Engineer",
    "312212": "Civil Engineering Technician",
    "321211": "Motor Mechanic (General)",
    "331111": "Bricklayer",
    "331211": "Carpenter and Joiner",
    "331212": "Carpenter",
    "334111": "Plumber (General)",
    "341111": "Electrician (General)",
    "341112": "Electrician (Special Class)",
    "351311": "Chef",
    "351411": "Cook",
    "423111": "Aged or Disabled Carer",
    "431511": "Waiter",
    "441212": "Fire Fighter",
    "441312": "Police Officer",
    "531111": "General Clerk",
    "621111": "Sales Assistant (General)",
    "721211": "Earthmoving Plant Operator (General)",
    "721311": "Forklift Driver",
    "733111": "Truck Driver (General)",
    "811211": "Commercial Cleaner",
    "821111": "Builder's Labourer",
}

_SOC2020: Final[dict[str, str]] = {
    "1": "Managers, directors and senior officials",
    "2": "Professional occupations",
    "3": "Associate professional occupations",
    "4": "Administrative and secretarial occupations",
    "5": "Skilled trades occupations",
    "6": "Caring, leisure and other service occupations",
    "7": "Sales and customer service occupations",
    "8": "Process, plant and machine operatives",
    "9": "Elementary occupations",
    "11": "Corporate managers and directors",
    "12": "Other managers and proprietors",
    "21": "Science, research, engineering and technology professionals",
    "22": "Health professionals",
    "23": "Teaching and other educational professionals",
    "24": "Business, media and public service professionals",
    "31": "Science, engineering and technology associate professionals",
    "32": "Health and social care associate professionals",
    "33": "Protective service occupations",
    "34": "Culture, media and sports occupations",
    "35": "Business and public service associate professionals",
    "41": "Administrative occupations",
    "42": "Secretarial and related occupations",
    "51": "Skilled agricultural and related trades",
    "52": "Skilled metal, electrical and electronic trades",
    "53": "Skilled construction and building trades",
    "54": "Textiles, printing and other skilled trades",
    "61": "Caring personal service occupations",
    "62": "Leisure, travel and related personal service occupations",
    "63": "Community and civil enforcement occupations",
    "71": "Sales occupations",
    "72": "Customer service occupations",
    "81": "Process, plant and machine operatives",
    "82": "Transport and mobile machine drivers and operatives",
    "91": "Elementary trades and related occupations",
    "92": "Elementary administration and service occupations",
    "1121": "Production managers and directors in manufacturing",
    "1122": "Production managers and directors in construction",
    "2121": "Civil engineers",
    "2134": "Programmers and software development professionals",
    "2211": "Generalist medical practitioners",
    "2221": "Physiotherapists",
    "2231": "Midwives",
    "2237": "Other registered nursing professionals",
    "2314": "Secondary education teaching professionals",
    "2315": "Primary education teaching professionals",
    "2421": "Chartered and certified accountants",
    "3131": "IT operations technicians",
    "4122": "Book-keepers, payroll managers and wages clerks",
    "4159": "Other administrative occupations n.e.c.",
    "5111": "Farmers",
    "5223": "Metal working production and maintenance fitters",
    "5231": "Vehicle technicians, mechanics and electricians",
    "5241": "Electricians and electrical fitters",
    "5311": "Steel erectors",
    "5312": "Bricklayers",
    "5313": "Roofers, roof tilers and slaters",
    "5315": "Carpenters and joiners",
    "5322": "Floorers and wall tilers",
    "5323": "Painters and decorators",
    "5434": "Chefs",
    "5435": "Cooks",
    "5436": "Catering and bar managers",
    "6131": "Nursing auxiliaries and assistants",
    "6135": "Care workers and home carers",
    "7111": "Sales and retail assistants",
    "8211": "Large goods vehicle drivers",
    "9121": "Groundworkers",
    "9129": "Elementary construction occupations n.e.c.",
}


@dataclass(frozen=True)
class OccupationClassification:
    """One occupation classification; see the module docstring for levels."""

    id: str
    name: str
    short_name: str
    level_lengths: tuple[int, ...]
    level_names: tuple[str, ...]
    titles: dict[str, str] = field(repr=False, compare=False, hash=False)

    def validate(self, code: str) -> str:
        """Return the code without spaces, or raise ValueError naming the problem."""
        compact = str(code).strip().replace(" ", "")
        if not compact.isdigit() or not compact.isascii():
            raise ValueError(f"{code!r} is not a {self.name} code: use digits only")
        if len(compact) not in self.level_lengths:
            lengths = " or ".join(str(n) for n in self.level_lengths)
            raise ValueError(f"{compact} is not a {self.name} code: expected {lengths} digits")
        if compact[0] not in self.titles:
            raise ValueError(f"{compact} is not a {self.name} code: no major group {compact[0]}")
        return compact

    def title(self, code: str) -> str | None:
        """Official title, or None for a valid code not listed here."""
        return self.titles.get(self.validate(code))

    def label(self, code: str) -> str:
        """ "Building and related electricians (ISCO 7411)", for reasons and lists."""
        valid = self.validate(code)
        title = self.titles.get(valid)
        tag = f"{self.short_name} {valid}"
        return f"{title} ({tag})" if title else tag

    def major_group(self, code: str) -> str:
        return self.validate(code)[0]

    def level_name(self, code: str) -> str:
        """ "major group", "unit group", ... for a code of this length."""
        return self.level_names[self.level_lengths.index(len(self.validate(code)))]

    def list_codes(self, level: str | None = None) -> list[tuple[str, str]]:
        """(code, title) pairs sorted by code; the most detailed level by default."""
        wanted = self.level_lengths[-1] if level is None else self._length_of(level)
        return sorted((c, t) for c, t in self.titles.items() if len(c) == wanted)

    def shared_levels(self, a: str, b: str) -> int:
        """How many hierarchy levels two codes share (0 = different major group)."""
        prefix = _common_prefix_length(self.validate(a), self.validate(b))
        return sum(1 for length in self.level_lengths if length <= prefix)

    def similarity(self, a: str, b: str) -> float:
        """Shared levels as a fraction of the deeper code's depth, in [0, 1]."""
        depth = max(self._depth(a), self._depth(b))
        return self.shared_levels(a, b) / depth

    def _depth(self, code: str) -> int:
        return self.level_lengths.index(len(self.validate(code))) + 1

    def _length_of(self, level: str) -> int:
        try:
            return self.level_lengths[self.level_names.index(level)]
        except ValueError:
            raise ValueError(f"{level!r} is not a level of {self.name}") from None


def _common_prefix_length(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


_FOUR_LEVELS = ("major group", "sub-major group", "minor group", "unit group")

ISCO08: Final = OccupationClassification(
    "isco08", "ISCO-08", "ISCO", (1, 2, 3, 4), _FOUR_LEVELS, _ISCO08
)
ANZSCO: Final = OccupationClassification(
    "anzsco", "ANZSCO", "ANZSCO", (1, 2, 3, 4, 6), _FOUR_LEVELS + ("occupation",), _ANZSCO
)
SOC2020: Final = OccupationClassification(
    "soc2020", "UK SOC 2020", "SOC", (1, 2, 3, 4), _FOUR_LEVELS, _SOC2020
)
CLASSIFICATIONS: Final[dict[str, OccupationClassification]] = {
    c.id: c for c in (ISCO08, ANZSCO, SOC2020)
}


def classification(classification_id: str) -> OccupationClassification:
    try:
        return CLASSIFICATIONS[classification_id]
    except KeyError:
        known = ", ".join(CLASSIFICATIONS)
        raise ValueError(
            f"{classification_id!r} is not an occupation classification: expected one of {known}"
        ) from None
