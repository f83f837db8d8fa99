"""The "Part 5.3" council (protocol 001): what the protocol text says happens.

Written from shared/protocols/001_59a04befd7ea2291.txt, not from the fixture. The text is silent
on member enquiries, FOI, the register of interests and every time limit, so the portal
defaults (shared/protocols/README.md, last section) are expected there: 10 working days for
enquiries and need-to-know requests, 3 working days to acknowledge a complaint, 28 calendar
days to register interests, 20 FOI working days.
"""

COUNCIL = "part-5-3"

ENQUIRY = (10, "working")
ACK = (3, "working")
NEED_TO_KNOW = (10, "working")
CE = ("chief_executive", "council")

EXPECTED = [
    # ---- Member enquiries (silent: default) ----
    {
        "scenario": "member makes a routine enquiry (protocol silent: member services, "
        "10 working days by default)",
        "case_type": "enquiry",
        "raised_by": "member",
        "concerning": "routine",
        "stage": "first",
        "handler": ("member_services", "council"),
        "copied": set(),
        "deadline": ENQUIRY,
        "next_stage": None,
        "source": "default",
    },
    {
        "scenario": "enquiry where the member's right to the information is in doubt: the "
        "Director holding it decides whether need to know is shown (001 §5.3.8.4)",
        "case_type": "enquiry",
        "raised_by": "member",
        "concerning": "access_in_doubt",
        "stage": "first",
        "handler": ("director", "case_directorate"),
        "copied": set(),
        "deadline": NEED_TO_KNOW,
        "next_stage": "dispute",
        "source": "001 §5.3.8.4",
    },
    {
        "scenario": "dispute over the member's right to the information: referred to the Chief "
        "Executive (001 §5.3.8.4)",
        "case_type": "enquiry",
        "raised_by": "member",
        "concerning": "access_in_doubt",
        "stage": "dispute",
        "handler": CE,
        "copied": set(),
        "deadline": NEED_TO_KNOW,
        "next_stage": None,
        "source": "001 §5.3.8.4",
    },
    # ---- Complaints and concerns ----
    {
        "scenario": "member believes an officer has not treated them with courtesy: approaches "
        "the relevant Director (001 §5.3.3.3)",
        "case_type": "complaint",
        "raised_by": "member",
        "concerning": "officer",
        "stage": "first",
        "handler": ("director", "subject_directorate"),
        "copied": set(),
        "deadline": ACK,
        "next_stage": None,
        "source": "001 §5.3.3.3",
    },
    {
        "scenario": "member concerned about an officer's conduct or capability: the relevant "
        "Director; action under the disciplinary procedures (001 §5.3.3.3)",
        "case_type": "complaint",
        "raised_by": "member",
        "concerning": "officer",
        "stage": "first",
        "handler": ("director", "subject_directorate"),
        "copied": set(),
        "deadline": ACK,
        "next_stage": None,
        "source": "001 §5.3.3.3",
    },
    {
        "scenario": "an officer sought a member's influence for their own advantage or against "
        "a colleague: reported to the Chief Executive (001 §5.3.3.2)",
        "case_type": "complaint",
        "raised_by": "member",
        "concerning": "officer_approach",
        "stage": "first",
        "handler": ("chief_executive", "council"),
        "copied": set(),
        "deadline": ACK,
        "next_stage": None,
        "source": "001 §5.3.3.2",
    },
    {
        "scenario": "member concerned about a Director: the Chief Executive, as appropriate "
        "(001 §5.3.3.3)",
        "case_type": "complaint",
        "raised_by": "member",
        "concerning": "director",
        "stage": "first",
        "handler": CE,
        "copied": set(),
        "deadline": ACK,
        "next_stage": None,
        "source": "001 §5.3.3.3",
    },
    {
        "scenario": "member concerned about the Monitoring Officer (an officer below Director "
        "here): the relevant Director (001 §5.3.3.3)",
        "case_type": "complaint",
        "raised_by": "member",
        "concerning": "monitoring_officer",
        "stage": "first",
        "handler": ("director", "subject_directorate"),
        "copied": set(),
        "deadline": ACK,
        "next_stage": None,
        "source": "001 §5.3.3.3",
    },
    {
        "scenario": "officer concerned about treatment by, or conduct of, a member raises it "
        "with their Director (001 §5.3.3.4)",
        "case_type": "complaint",
        "raised_by": "officer",
        "concerning": "member",
        "stage": "first",
        "handler": ("director", "raiser_directorate"),
        "copied": set(),
        "deadline": ACK,
        "next_stage": "standards-committee",
        "source": "001 §5.3.3.4",
    },
    {
        "scenario": "officer below Director given a Cabinet Member instruction that conflicts "
        "with the law, Constitution or code raises it with the Director "
        "(001 §5.3.4.4)",
        "case_type": "complaint",
        "raised_by": "officer",
        "concerning": "member",
        "stage": "first",
        "handler": ("director", "raiser_directorate"),
        "copied": set(),
        "deadline": ACK,
        "next_stage": "standards-committee",
        "source": "001 §5.3.4.4",
    },
    {
        "scenario": "sufficiently serious matter complained of by an officer is investigated by "
        "the Standards Committee (001 §5.3.3.4)",
        "case_type": "complaint",
        "raised_by": "officer",
        "concerning": "member",
        "stage": "standards-committee",
        "handler": ("standards_committee", "council"),
        "copied": set(),
        "deadline": None,
        "next_stage": None,
        "source": "001 §5.3.3.4",
    },
    {
        "scenario": "member concerned about the Chief Executive: the protocol is silent "
        "(§5.3.3.3 names the relevant Director or the Chief Executive); default: the Monitoring "
        "Officer, copied to the head of HR, final",
        "case_type": "complaint",
        "raised_by": "member",
        "concerning": "chief_executive",
        "stage": "first",
        "handler": ("monitoring_officer", "council"),
        "copied": {("head_of_hr", "council")},
        "deadline": ACK,
        "next_stage": None,
        "source": "default",
    },
    {
        "scenario": "officer concerned about the conduct of a group leader (a member): their "
        "Director or the Chief Executive; if serious, the Standards Committee (001 §5.3.3.4)",
        "case_type": "complaint",
        "raised_by": "officer",
        "concerning": "group_leader",
        "stage": "first",
        "handler": ("director", "raiser_directorate"),
        "copied": set(),
        "deadline": ACK,
        "next_stage": "standards-committee",
        "source": "001 §5.3.3.4",
    },
    {
        "scenario": "a serious complaint about a group leader is investigated by the Standards "
        "Committee (001 §5.3.3.4)",
        "case_type": "complaint",
        "raised_by": "officer",
        "concerning": "group_leader",
        "stage": "standards-committee",
        "handler": ("standards_committee", "council"),
        "copied": set(),
        "deadline": None,
        "next_stage": None,
        "source": "001 §5.3.3.4",
    },
    {
        "scenario": "member reports another member's possible Code of Conduct breach: the "
        "protocol is silent; default: the Monitoring Officer, then the Standards Committee if "
        "serious (001 §5.3.3.4)",
        "case_type": "complaint",
        "raised_by": "member",
        "concerning": "code_of_conduct",
        "stage": "first",
        "handler": ("monitoring_officer", "council"),
        "copied": set(),
        "deadline": ACK,
        "next_stage": "standards-committee",
        "source": "default",
    },
    # ---- Relationships ----
    {
        "scenario": "member with an unavoidable personal relationship with an officer notifies "
        "the Chief Executive and their group leader (001 §5.3.1.1)",
        "case_type": "relationship",
        "raised_by": "member",
        "concerning": "any",
        "stage": "first",
        "handler": CE,
        "copied": {("group_leader", "raiser_group")},
        "deadline": None,
        "next_stage": None,
        "source": "001 §5.3.1.1",
    },
    {
        "scenario": "officer with a personal relationship with a member informs their Director "
        "of Service (001 §5.3.1.1)",
        "case_type": "relationship",
        "raised_by": "officer",
        "concerning": "officer",
        "stage": "first",
        "handler": ("director", "raiser_directorate"),
        "copied": set(),
        "deadline": None,
        "next_stage": None,
        "source": "001 §5.3.1.1",
    },
    {
        "scenario": "a Director with a personal relationship with a member informs the Chief "
        "Executive, as appropriate (001 §5.3.1.1)",
        "case_type": "relationship",
        "raised_by": "officer",
        "concerning": "director",
        "stage": "first",
        "handler": CE,
        "copied": set(),
        "deadline": None,
        "next_stage": None,
        "source": "001 §5.3.1.1",
    },
    {
        "scenario": "the Chief Executive with a personal relationship with a member informs the "
        "group leaders (001 §5.3.1.1)",
        "case_type": "relationship",
        "raised_by": "officer",
        "concerning": "chief_executive",
        "stage": "first",
        "handler": ("group_leader", "all_groups"),
        "copied": set(),
        "deadline": None,
        "next_stage": None,
        "source": "001 §5.3.1.1",
    },
    # ---- Interests ----
    {
        "scenario": "member asks for advice on declaring a personal or prejudicial interest: "
        "Legal and Democratic Services, confidential on request (001 §5.3.6.1)",
        "case_type": "interest",
        "raised_by": "member",
        "concerning": "advice",
        "stage": "first",
        "handler": ("legal_democratic_services", "council"),
        "copied": set(),
        "deadline": None,
        "next_stage": None,
        "source": "001 §5.3.6.1",
    },
    {
        "scenario": "new member registers disclosable pecuniary interests with the Monitoring "
        "Officer within 28 days (protocol silent: default, Localism Act s.30)",
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
    # ---- Members' entitlement to information ----
    {
        "scenario": "member inspects a public document relating to business at a meeting, "
        "an entitlement by law (001 §5.3.8.2)",
        "case_type": "access_request",
        "raised_by": "member",
        "concerning": "presumed",
        "stage": "first",
        "handler": ("director", "case_directorate"),
        # The Director may seek the advice of the Legal and Democratic Services Manager.
        "copied": {("legal_democratic_services", "council")},
        "deadline": NEED_TO_KNOW,
        "next_stage": "dispute",
        "source": "001 §5.3.8.2",
    },
    {
        "scenario": "member demonstrates a common-law need to know to the satisfaction of the "
        "Director holding the information (001 §5.3.8.3, §5.3.8.4)",
        "case_type": "access_request",
        "raised_by": "member",
        "concerning": "must_justify",
        "stage": "first",
        "handler": ("director", "case_directorate"),
        # The Director may seek the advice of the Legal and Democratic Services Manager.
        "copied": {("legal_democratic_services", "council")},
        "deadline": NEED_TO_KNOW,
        "next_stage": "dispute",
        "source": "001 §5.3.8.4",
    },
    {
        "scenario": "information not directly relevant to the member's service on a body: "
        "details and reasons in writing to the relevant Director (001 §5.3.8.4)",
        "case_type": "access_request",
        "raised_by": "member",
        "concerning": "must_justify",
        "stage": "first",
        "handler": ("director", "case_directorate"),
        # The Director may seek the advice of the Legal and Democratic Services Manager.
        "copied": {("legal_democratic_services", "council")},
        "deadline": NEED_TO_KNOW,
        "next_stage": "dispute",
        "source": "001 §5.3.8.4",
    },
    {
        "scenario": "any dispute about a need to know is referred to the Chief Executive "
        "(001 §5.3.8.4)",
        "case_type": "access_request",
        "raised_by": "member",
        "concerning": "must_justify",
        "stage": "dispute",
        "handler": CE,
        "copied": set(),
        "deadline": NEED_TO_KNOW,
        "next_stage": None,
        "source": "001 §5.3.8.4",
    },
    {
        "scenario": "dispute about a document the member says they are entitled to by law "
        "(001 §5.3.8.4)",
        "case_type": "access_request",
        "raised_by": "member",
        "concerning": "presumed",
        "stage": "dispute",
        "handler": CE,
        "copied": set(),
        "deadline": NEED_TO_KNOW,
        "next_stage": None,
        "source": "001 §5.3.8.4",
    },
    # ---- FOI (silent: default) ----
    {
        "scenario": "Freedom of Information request (protocol silent: default, 20 FOI working "
        "days)",
        "case_type": "foi",
        "raised_by": "member",
        "concerning": "any",
        "stage": "first",
        "handler": ("complaints_team", "council"),
        "copied": set(),
        "deadline": (20, "foi"),
        "next_stage": None,
        "source": "default",
    },
]
