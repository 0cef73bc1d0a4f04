"""Common given names, used to recognise a name column by its content.

Frequent first names in birth and census registers of the UK (ONS), the US (SSA),
Germany, France, Spain, Italy, the Netherlands and the Nordics; lower-case, accents
folded. Recognition needs only a good share of a column's values to be here, not all.
"""

from __future__ import annotations

__all__ = ["GIVEN_NAMES"]

GIVEN_NAMES: frozenset[str] = frozenset(
    {
        "aaron", "abigail", "adam", "adrian", "agnes", "aidan", "alan", "albert", "alberto",
        "alejandro", "alex", "alexander", "alexandra", "alfie", "alice", "alicia", "alison",
        "amanda", "amber", "amelia", "amy", "ana", "andrea", "andreas", "andrew", "angela",
        "anita", "ann", "anna", "anne", "annie", "anthony", "antonio", "archie", "arlo",
        "arthur", "ashley", "audrey", "ava", "barbara", "beatrice", "ben", "benjamin",
        "bernard", "beth", "betty", "beverly", "bill", "billy", "bobby", "bonnie", "brandon",
        "brenda", "brian", "bruce", "bryan", "caleb", "camila", "carl", "carla", "carlos",
        "carmen", "carol", "caroline", "carolyn", "catherine", "charles", "charlie",
        "charlotte", "chloe", "chris", "christian", "christina", "christine", "christopher",
        "cindy", "claire", "clara", "claudia", "colin", "connor", "craig", "cynthia", "daisy",
        "dale", "daniel", "daniela", "danielle", "darren", "david", "dawn", "deborah", "debra",
        "denise", "dennis", "derek", "diana", "diane", "dominic", "donald", "donna", "doris",
        "dorothy", "douglas", "dylan", "eddie", "edward", "elaine", "eleanor", "elena", "eli",
        "elias", "elijah", "elizabeth", "ella", "ellie", "ellis", "elsie", "emily", "emma",
        "eric", "erik", "erin", "esther", "ethan", "eva", "evelyn", "evie", "ezra", "fabian",
        "felix", "fernando", "finley", "finn", "florence", "frances", "francesca", "francesco",
        "francis", "frank", "freddie", "frederick", "freya", "gabriel", "gabriella", "gary",
        "gemma", "george", "georgia", "gerald", "giulia", "giuseppe", "gloria", "grace",
        "graham", "gregory", "hannah", "harper", "harriet", "harrison", "harry", "harvey",
        "hazel", "heather", "helen", "henry", "hugo", "ian", "ida", "imogen", "isaac", "isabel",
        "isabella", "isabelle", "isla", "ivan", "ivy", "jack", "jackson", "jacob", "jacqueline",
        "jake", "james", "jamie", "jan", "jane", "janet", "janice", "jasmine", "jason",
        "javier", "jean", "jeffrey", "jennifer", "jenny", "jeremy", "jerry", "jessica", "jesus",
        "jill", "joan", "joanna", "joe", "joel", "johan", "john", "johnny", "jonathan",
        "jordan", "jorge", "jose", "joseph", "joshua", "joyce", "juan", "judith", "judy",
        "julia", "julian", "julie", "justin", "karen", "karl", "kate", "katherine", "kathleen",
        "kathryn", "katie", "kayla", "keith", "kelly", "kenneth", "kevin", "kim", "kimberly",
        "kyle", "laura", "lauren", "lawrence", "leah", "lee", "leo", "leon", "leonardo",
        "lewis", "liam", "lily", "linda", "lisa", "logan", "lois", "lola", "lorenzo", "louie",
        "louis", "louise", "lucas", "lucia", "lucy", "luis", "lukas", "luke", "lydia", "maisie",
        "manuel", "marco", "margaret", "maria", "marie", "marilyn", "mark", "martha", "martin",
        "mary", "mason", "matilda", "matteo", "matthew", "max", "maya", "megan", "melissa",
        "mia", "michael", "michelle", "miguel", "mila", "millie", "mohammed", "molly",
        "muhammad", "nancy", "natalie", "nathan", "niamh", "nicholas", "nicola", "nicole",
        "noah", "nora", "norma", "oliver", "olivia", "oscar", "owen", "pablo", "pamela",
        "patricia", "patrick", "paul", "paula", "pedro", "penelope", "peter", "philip",
        "phoebe", "phyllis", "pierre", "poppy", "rachel", "ralph", "raymond", "rebecca",
        "reuben", "richard", "rita", "robert", "roberto", "robin", "roger", "ronald", "rose",
        "rosie", "ruby", "russell", "ruth", "ryan", "samantha", "samuel", "sandra", "sara",
        "sarah", "scarlett", "scott", "sean", "sebastian", "sergio", "sharon", "shirley",
        "sienna", "simon", "sofia", "sophia", "sophie", "stanley", "stefan", "stella",
        "stephanie", "stephen", "steven", "susan", "sylvia", "tanya", "teresa", "terry", "theo",
        "theodore", "theresa", "thomas", "tiffany", "timothy", "tina", "toby", "todd", "tom",
        "tommy", "tony", "tracy", "tyler", "valentina", "vanessa", "victor", "victoria",
        "vincent", "violet", "virginia", "walter", "wayne", "wendy", "william", "willow",
        "xavier", "yasmin", "zachary", "zara", "zoe",
    }
)  # fmt: skip
