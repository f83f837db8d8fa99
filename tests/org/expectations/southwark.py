"""London Borough of Southwark: what protocol 003 says should happen, scenario by scenario.

Written from shared/protocols/003_ac65b368758b500c.txt, not generated from the fixture.
Where the protocol sets no time limit the README's portal default applies: enquiries and
need-to-know 10 working days, complaint acknowledgement 3 working days, DPI registration 28
calendar days; FOI is 20 working days by the protocol itself (§58).

"source" is checked as a substring of the rule's citation: "003 §67" where the scenario's
paragraph leads the citation, a bare "§51" where the rule cites it among several paragraphs.
"""

COUNCIL = "southwark"

ENQUIRY_DEFAULT = (10, "working")
NEED_TO_KNOW_DEFAULT = (10, "working")
COMPLAINT_ACK_DEFAULT = (3, "working")
CHIEF_OFFICER_HOLDING_IT = ("corporate_director", "case_directorate")
MO = ("monitoring_officer", "council")

EXPECTED = [
    # ------------------------------------------------------------------ member enquiries
    {
        "scenario": "member's non-routine enquiry goes to staff through senior management "
        "(003 §19)",
        "case_type": "enquiry",
        "raised_by": "member",
        "concerning": "policy",
        "stage": "first",
        "handler": ("head_of_service", "case_directorate"),
        "copied": set(),
        "deadline": ENQUIRY_DEFAULT,
        "next_stage": None,
        "source": "003 §18, §19",
    },
    {
        "scenario": "an urgent enquiry also goes through senior management, who allocate and "
        "prioritise staff work (003 §18, §19)",
        "case_type": "enquiry",
        "raised_by": "member",
        "concerning": "urgent",
        "stage": "first",
        "handler": ("head_of_service", "case_directorate"),
        "copied": set(),
        "deadline": ENQUIRY_DEFAULT,
        "next_stage": None,
        "source": "003 §18",
    },
    {
        "scenario": "an enquiry spanning departments also goes through senior management (003 §19)",
        "case_type": "enquiry",
        "raised_by": "member",
        "concerning": "cross_directorate",
        "stage": "first",
        "handler": ("head_of_service", "case_directorate"),
        "copied": set(),
        "deadline": ENQUIRY_DEFAULT,
        "next_stage": None,
        "source": "§19",
    },
    {
        "scenario": "routine enquiry may go to the officer direct, copying a senior manager "
        "(003 §19)",
        "case_type": "enquiry",
        "raised_by": "member",
        "concerning": "routine",
        "stage": "first",
        "handler": ("officer", "case_directorate"),
        "copied": {("head_of_service", "case_directorate")},
        "deadline": ENQUIRY_DEFAULT,
        "next_stage": None,
        "source": "003 §19",
    },
    {
        "scenario": "access to information in doubt: the chief officer whose department holds "
        "it decides, advised by the MO; no dispute route (003 §52)",
        "case_type": "enquiry",
        "raised_by": "member",
        "concerning": "access_in_doubt",
        "stage": "first",
        "handler": CHIEF_OFFICER_HOLDING_IT,
        "copied": {MO},
        "deadline": NEED_TO_KNOW_DEFAULT,
        "next_stage": None,
        "source": "003 §52",
    },
    {
        "scenario": "the MO advises on the legal framework for obtaining information (003 §51)",
        "case_type": "enquiry",
        "raised_by": "member",
        "concerning": "access_in_doubt",
        "stage": "first",
        "handler": CHIEF_OFFICER_HOLDING_IT,
        "copied": {MO},
        "deadline": NEED_TO_KNOW_DEFAULT,
        "next_stage": None,
        "source": "§51",
    },
    # ------------------------------------------------------------------ complaints by members
    {
        "scenario": "member unable to resolve an issue with an officer refers it to the "
        "officer's chief officer, who nominates a manager to investigate (003 §67)",
        "case_type": "complaint",
        "raised_by": "member",
        "concerning": "officer",
        "stage": "first",
        "handler": ("corporate_director", "subject_directorate"),
        "copied": set(),
        "deadline": COMPLAINT_ACK_DEFAULT,
        "next_stage": "chief-executive",
        "source": "003 §67",
    },
    {
        "scenario": "concerns go through the dispute procedure, not public criticism (003 §17)",
        "case_type": "complaint",
        "raised_by": "member",
        "concerning": "officer",
        "stage": "first",
        "handler": ("corporate_director", "subject_directorate"),
        "copied": set(),
        "deadline": COMPLAINT_ACK_DEFAULT,
        "next_stage": "chief-executive",
        "source": "§17",
    },
    {
        "scenario": "member dissatisfied with the chief officer's handling: the chief executive "
        "reviews informally, the last stage; §70 follows only §69 (003 §68)",
        "case_type": "complaint",
        "raised_by": "member",
        "concerning": "officer",
        "stage": "chief-executive",
        "handler": ("chief_executive", "council"),
        "copied": set(),
        "deadline": COMPLAINT_ACK_DEFAULT,
        "next_stage": None,
        "source": "003 §68",
    },
    {
        "scenario": "complaint about a chief officer: the chief executive reviews informally, "
        "conciliates, and considers a formal process if unresolved or serious (003 §68)",
        "case_type": "complaint",
        "raised_by": "member",
        "concerning": "director",
        "stage": "first",
        "handler": ("chief_executive", "council"),
        "copied": set(),
        "deadline": COMPLAINT_ACK_DEFAULT,
        "next_stage": None,
        "source": "003 §68",
    },
    {
        "scenario": "complaint about the monitoring officer: the chief executive reviews "
        "informally (003 §68)",
        "case_type": "complaint",
        "raised_by": "member",
        "concerning": "monitoring_officer",
        "stage": "first",
        "handler": ("chief_executive", "council"),
        "copied": set(),
        "deadline": COMPLAINT_ACK_DEFAULT,
        "next_stage": None,
        "source": "003 §68",
    },
    {
        "scenario": "complaint about the chief executive: member and CE consider a meeting, "
        "perhaps with the group whip or leader; CE responds in writing (003 §69)",
        "case_type": "complaint",
        "raised_by": "member",
        "concerning": "chief_executive",
        "stage": "first",
        "handler": ("chief_executive", "council"),
        "copied": set(),
        "deadline": COMPLAINT_ACK_DEFAULT,
        "next_stage": "leader-report",
        "source": "003 §69",
    },
    {
        "scenario": "member remains dissatisfied with the chief executive's response: notifies "
        "the MO and head of HR in writing; report to the leader, who considers a formal "
        "process (003 §70)",
        "case_type": "complaint",
        "raised_by": "member",
        "concerning": "chief_executive",
        "stage": "leader-report",
        "handler": ("monitoring_officer", "council"),
        "copied": {("head_of_hr", "council"), ("leader", "council")},
        "deadline": COMPLAINT_ACK_DEFAULT,
        "next_stage": None,
        "source": "003 §70",
    },
    {
        "scenario": "member reports a potential breach of the members' code of conduct (003 §71)",
        "case_type": "complaint",
        "raised_by": "member",
        "concerning": "code_of_conduct",
        "stage": "first",
        "handler": ("monitoring_officer", "council"),
        "copied": set(),
        "deadline": COMPLAINT_ACK_DEFAULT,
        "next_stage": "standards-committee",
        "source": "003 §71",
    },
    {
        "scenario": "the standards committee considers potential code of conduct breaches "
        "(003 §71)",
        "case_type": "complaint",
        "raised_by": "member",
        "concerning": "code_of_conduct",
        "stage": "standards-committee",
        "handler": ("standards_committee", "council"),
        "copied": {MO},
        "deadline": None,
        "next_stage": None,
        "source": "003 §71",
    },
    # ------------------------------------------------------------------ complaints by officers
    {
        "scenario": "officer complains about a member: informal resolution through a senior "
        "manager preferred, else recourse to the monitoring officer (003 §66)",
        "case_type": "complaint",
        "raised_by": "officer",
        "concerning": "member",
        "stage": "first",
        "handler": ("monitoring_officer", "council"),
        "copied": set(),
        "deadline": COMPLAINT_ACK_DEFAULT,
        "next_stage": "chief-executive",
        "source": "003 §66",
    },
    {
        "scenario": "officer complains about a group leader: the same procedure for officers "
        "(003 §66)",
        "case_type": "complaint",
        "raised_by": "officer",
        "concerning": "group_leader",
        "stage": "first",
        "handler": ("monitoring_officer", "council"),
        "copied": set(),
        "deadline": COMPLAINT_ACK_DEFAULT,
        "next_stage": "chief-executive",
        "source": "003 §66",
    },
    {
        "scenario": "officer reports a member's potential code of conduct breach: the procedure "
        "for officers, MO advice on standards referral (003 §66)",
        "case_type": "complaint",
        "raised_by": "officer",
        "concerning": "code_of_conduct",
        "stage": "first",
        "handler": ("monitoring_officer", "council"),
        "copied": set(),
        "deadline": COMPLAINT_ACK_DEFAULT,
        "next_stage": "chief-executive",
        "source": "003 §66",
    },
    {
        "scenario": "officer's complaint upheld: referred to the chief executive; local solution "
        "with the council leader and the group leader/whip (003 §66)",
        "case_type": "complaint",
        "raised_by": "officer",
        "concerning": "member",
        "stage": "chief-executive",
        "handler": ("chief_executive", "council"),
        "copied": {
            ("leader", "council"),
            ("group_leader", "subject_group"),
            ("whip", "subject_group"),
        },
        "deadline": COMPLAINT_ACK_DEFAULT,
        "next_stage": "standards",
        "source": "003 §66",
    },
    {
        "scenario": "serious case: standards referral considered on the monitoring officer's "
        "advice (003 §66)",
        "case_type": "complaint",
        "raised_by": "officer",
        "concerning": "member",
        "stage": "standards",
        "handler": ("monitoring_officer", "council"),
        "copied": set(),
        "deadline": COMPLAINT_ACK_DEFAULT,
        "next_stage": None,
        "source": "003 §66",
    },
    # ------------------------------------------------------------------ relationships
    {
        "scenario": "member openly declares a close relationship with an officer (003 §13)",
        "case_type": "relationship",
        "raised_by": "member",
        "concerning": "officer",
        "stage": "first",
        "handler": ("monitoring_officer", "council"),
        "copied": set(),
        "deadline": None,
        "next_stage": None,
        "source": "003 §13",
    },
    {
        "scenario": "chief officer working closely with an executive member declares the "
        "relationship (003 §13)",
        "case_type": "relationship",
        "raised_by": "officer",
        "concerning": "director",
        "stage": "first",
        "handler": ("monitoring_officer", "council"),
        "copied": set(),
        "deadline": None,
        "next_stage": None,
        "source": "003 §13",
    },
    # ------------------------------------------------------------------ interests
    {
        "scenario": "new member registers disclosable pecuniary interests with the MO within "
        "28 days (default: Localism Act 2011 s.30)",
        "case_type": "interest",
        "raised_by": "member",
        "concerning": "registration",
        "stage": "first",
        "handler": ("monitoring_officer", "council"),
        "copied": set(),
        "deadline": (28, "calendar"),
        "next_stage": None,
        "source": "default",
    },
    {
        "scenario": "member asks for advice on an interest: 003 is silent (its §51 is advice on "
        "the access-to-information framework), so the portal default, the monitoring officer",
        "case_type": "interest",
        "raised_by": "member",
        "concerning": "advice",
        "stage": "first",
        "handler": ("monitoring_officer", "council"),
        "copied": set(),
        "deadline": None,
        "next_stage": None,
        "source": "default",
    },
    # ------------------------------------------------------------------ need to know
    {
        "scenario": "executive or scrutiny member inspects documents on their own portfolio or "
        "committee: need to know presumed (003 §53)",
        "case_type": "access_request",
        "raised_by": "member",
        "concerning": "presumed",
        "stage": "first",
        "handler": CHIEF_OFFICER_HOLDING_IT,
        "copied": {MO},
        "deadline": NEED_TO_KNOW_DEFAULT,
        "next_stage": None,
        "source": "§53",
    },
    {
        "scenario": "ward member representing a constituent: need to know presumed; the chief "
        "officer holding it decides, advised by the MO (003 §52, §53)",
        "case_type": "access_request",
        "raised_by": "member",
        "concerning": "presumed",
        "stage": "first",
        "handler": CHIEF_OFFICER_HOLDING_IT,
        "copied": {MO},
        "deadline": NEED_TO_KNOW_DEFAULT,
        "next_stage": None,
        "source": "003 §52",
    },
    {
        "scenario": "documents with personal information about third parties: justified in "
        "specific terms, possibly in writing (003 §53)",
        "case_type": "access_request",
        "raised_by": "member",
        "concerning": "must_justify",
        "stage": "first",
        "handler": CHIEF_OFFICER_HOLDING_IT,
        "copied": {MO},
        "deadline": NEED_TO_KNOW_DEFAULT,
        "next_stage": None,
        "source": "§53",
    },
    {
        "scenario": "no right to a roving commission through the council's documents (003 §52)",
        "case_type": "access_request",
        "raised_by": "member",
        "concerning": "no_right",
        "stage": "first",
        "handler": CHIEF_OFFICER_HOLDING_IT,
        "copied": {MO},
        "deadline": NEED_TO_KNOW_DEFAULT,
        "next_stage": None,
        "source": "003 §52",
    },
    # ------------------------------------------------------------------ FOI
    {
        "scenario": "member's FOI request: in writing, identifying the document, answered "
        "within 20 working days (003 §58)",
        "case_type": "foi",
        "raised_by": "member",
        "concerning": "any",
        "stage": "first",
        "handler": ("officer", "case_directorate"),
        "copied": set(),
        "deadline": (20, "foi"),
        "next_stage": None,
        "source": "003 §58",
    },
    {
        "scenario": "documents unrelated to any meeting, or member not the ward member: "
        "officers tell the member it is treated as FOI (003 §59, §60)",
        "case_type": "foi",
        "raised_by": "member",
        "concerning": "any",
        "stage": "first",
        "handler": ("officer", "case_directorate"),
        "copied": set(),
        "deadline": (20, "foi"),
        "next_stage": None,
        "source": "003 §58–60",
    },
]
