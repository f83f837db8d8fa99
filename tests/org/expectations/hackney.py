"""Hackney (protocol 004): what the protocol text says happens, scenario by scenario.

Written from shared/protocols/004_38b815959c6a9871.txt, not from the fixture. Paragraphs that
are unnumbered in the text are cited as shared/protocols/README.md numbers them (§12.2, §15.4,
...). §11.3's "within three days" is counted in calendar days. Where the text is silent about a
time limit, the portal default (README, last section) is expected: 10 working days for enquiries
and need-to-know requests, §11.3's 3 calendar days to acknowledge any complaint, 28 calendar
days to register interests, 20 FOI working days.
"""

COUNCIL = "hackney"

ENQUIRY = (10, "working")
ACK = (3, "calendar")
NEED_TO_KNOW = (10, "working")
MO = ("monitoring_officer", "council")
CE = ("chief_executive", "council")

EXPECTED = [
    # ---- Member enquiries ----
    {
        "scenario": "member raises a query on behalf of a constituent, answered within the "
        "corporate time standards under the Corporate Protocol for Members' "
        "Enquiries (004 §12.2)",
        "case_type": "enquiry",
        "raised_by": "member",
        "concerning": "routine",
        "stage": "first",
        "handler": ("member_services", "council"),
        "copied": set(),
        "deadline": ENQUIRY,
        "next_stage": None,
        "source": "004 §12.2",
    },
    {
        "scenario": "member raises a query about the Council's policies and practices (004 §12.2)",
        "case_type": "enquiry",
        "raised_by": "member",
        "concerning": "policy",
        "stage": "first",
        "handler": ("member_services", "council"),
        "copied": set(),
        "deadline": ENQUIRY,
        "next_stage": None,
        "source": "004 §12.2",
    },
    {
        "scenario": "request for advice or information that crosses directorate boundaries or "
        "involves multi-directorate activities goes through the Chief Executive "
        "(004 §12.5)",
        "case_type": "enquiry",
        "raised_by": "member",
        "concerning": "cross_directorate",
        "stage": "first",
        "handler": CE,
        "copied": set(),
        "deadline": ENQUIRY,
        "next_stage": None,
        "source": "004 §12.5",
    },
    {
        "scenario": "member not on the body wants its documents: must satisfy the Monitoring "
        "Officer of a reasonable need (004 §12.3)",
        "case_type": "enquiry",
        "raised_by": "member",
        "concerning": "access_in_doubt",
        "stage": "first",
        "handler": MO,
        "copied": set(),
        "deadline": NEED_TO_KNOW,
        "next_stage": "dispute",
        "source": "004 §12.3",
    },
    {
        "scenario": "disagreement over an information request: the Chief Executive refers it to "
        "the relevant body for decision (004 §12.9)",
        "case_type": "enquiry",
        "raised_by": "member",
        "concerning": "access_in_doubt",
        "stage": "dispute",
        "handler": CE,
        "copied": set(),
        "deadline": NEED_TO_KNOW,
        "next_stage": None,
        "source": "004 §12.9",
    },
    {
        "scenario": "member services refer an inappropriate request for assistance to their "
        "service head (004 §2.2.7)",
        "case_type": "enquiry",
        "raised_by": "member",
        "concerning": "inappropriate_request",
        "stage": "first",
        "handler": ("legal_democratic_services", "council"),
        "copied": set(),
        "deadline": ENQUIRY,
        "next_stage": None,
        "source": "004 §2.2.7",
    },
    {
        "scenario": "advice on the application of the protocol, from the Chief Executive or the "
        "Monitoring Officer (004 §17.1)",
        "case_type": "enquiry",
        "raised_by": "member",
        "concerning": "protocol_advice",
        "stage": "first",
        "handler": MO,
        "copied": set(),
        "deadline": ENQUIRY,
        "next_stage": None,
        "source": "004 §17.1",
    },
    # ---- Complaints about officers or services ----
    {
        "scenario": "member complains about an officer: to the Director of the service where "
        "the fault lies, who acknowledges within three days (004 §11.3)",
        "case_type": "complaint",
        "raised_by": "member",
        "concerning": "officer",
        "stage": "first",
        "handler": ("director", "subject_directorate"),
        "copied": set(),
        "deadline": ACK,
        "next_stage": "chief-executive",
        "source": "004 §11.3",
    },
    {
        "scenario": "member complains of an officer's breach of the protocol: the relevant "
        "service director, and section 11 applies (004 §16.1)",
        "case_type": "complaint",
        "raised_by": "member",
        "concerning": "officer",
        "stage": "first",
        "handler": ("director", "subject_directorate"),
        "copied": set(),
        "deadline": ACK,
        "next_stage": "chief-executive",
        "source": "004 §16.1",
    },
    {
        "scenario": "member not satisfied that action has been taken refers the complaint to "
        "the Chief Executive (004 §11.6)",
        "case_type": "complaint",
        "raised_by": "member",
        "concerning": "officer",
        "stage": "chief-executive",
        "handler": CE,
        "copied": set(),
        "deadline": ACK,
        "next_stage": None,
        "source": "004 §11.6",
    },
    {
        "scenario": "member complains about a Director personally: the Chief Executive, with "
        "section 11's three-day acknowledgement (004 §16.1)",
        "case_type": "complaint",
        "raised_by": "member",
        "concerning": "director",
        "stage": "first",
        "handler": CE,
        "copied": set(),
        "deadline": ACK,
        "next_stage": None,
        "source": "004 §16.1",
    },
    {
        "scenario": "member complains about the Monitoring Officer, the Corporate Director of "
        "Legal, HR and Regulatory Services: the Chief Executive (004 §4.1.5, §16.1)",
        "case_type": "complaint",
        "raised_by": "member",
        "concerning": "monitoring_officer",
        "stage": "first",
        "handler": CE,
        "copied": set(),
        "deadline": ACK,
        "next_stage": None,
        "source": "004 §16.1",
    },
    # ---- Breach by a member ----
    {
        "scenario": "member reports a possible Code of Conduct breach (to the Standards Board "
        "for England) and informs the Monitoring Officer (004 §15.1)",
        "case_type": "complaint",
        "raised_by": "member",
        "concerning": "code_of_conduct",
        "stage": "first",
        "handler": MO,
        "copied": set(),
        "deadline": ACK,
        "next_stage": None,
        "source": "004 §15.1",
    },
    {
        "scenario": "officer reports a possible Code of Conduct breach to the Monitoring "
        "Officer (004 §15.2)",
        "case_type": "complaint",
        "raised_by": "officer",
        "concerning": "code_of_conduct",
        "stage": "first",
        "handler": MO,
        "copied": set(),
        "deadline": ACK,
        "next_stage": None,
        "source": "004 §15.2",
    },
    {
        "scenario": "co-opted member reports a Code of Conduct breach by a non-voting co-opted "
        "member to the Monitoring Officer (004 §15.3)",
        "case_type": "complaint",
        "raised_by": "member",
        "concerning": "code_of_conduct",
        "stage": "first",
        "handler": MO,
        "copied": set(),
        "deadline": ACK,
        "next_stage": None,
        "source": "004 §15.3",
    },
    {
        "scenario": "co-opted member reports a breach of this protocol to the Monitoring "
        "Officer (004 §15.3)",
        "case_type": "complaint",
        "raised_by": "member",
        "concerning": "protocol_breach",
        "stage": "first",
        "handler": MO,
        "copied": set(),
        "deadline": ACK,
        "next_stage": "standards-committee",
        "source": "004 §15.3",
    },
    {
        "scenario": "alleged breach of the protocol by a member: the Monitoring Officer arranges "
        "an investigation (004 §15.4)",
        "case_type": "complaint",
        "raised_by": "officer",
        "concerning": "protocol_breach",
        "stage": "first",
        "handler": MO,
        "copied": set(),
        "deadline": ACK,
        "next_stage": "standards-committee",
        "source": "004 §15.4",
    },
    {
        "scenario": "officer's complaint about a member, a possible breach of the Code or the "
        "protocol: to the Monitoring Officer (004 §15.2, §15.4)",
        "case_type": "complaint",
        "raised_by": "officer",
        "concerning": "member",
        "stage": "first",
        "handler": MO,
        "copied": set(),
        "deadline": ACK,
        "next_stage": "standards-committee",
        "source": "004 §15.2",
    },
    {
        "scenario": "Monitoring Officer refers the alleged breach to the Standards Committee to "
        "be determined under local procedures (004 §15.4)",
        "case_type": "complaint",
        "raised_by": "officer",
        "concerning": "protocol_breach",
        "stage": "standards-committee",
        "handler": ("standards_committee", "council"),
        "copied": set(),
        "deadline": None,
        "next_stage": None,
        "source": "004 §15.4",
    },
    {
        "scenario": "Monitoring Officer with the Chief Executive refers the alleged breach to "
        "the relevant party whip and leader (004 §15.5)",
        "case_type": "complaint",
        "raised_by": "officer",
        "concerning": "protocol_breach",
        "stage": "party-whip",
        "handler": ("whip", "subject_group"),
        "copied": {("group_leader", "subject_group")},
        "deadline": None,
        "next_stage": None,
        "source": "004 §15.5",
    },
    {
        "scenario": "member complains about the Chief Executive: the protocol is silent (§11 "
        "and §16.1 end with the Chief Executive); default: the Monitoring Officer, copied to "
        "the head of HR, three days, final",
        "case_type": "complaint",
        "raised_by": "member",
        "concerning": "chief_executive",
        "stage": "first",
        "handler": MO,
        "copied": {("head_of_hr", "council")},
        "deadline": ACK,
        "next_stage": None,
        "source": "default",
    },
    {
        "scenario": "officer complains about a group leader (a member): a possible Code or "
        "protocol breach reported to the Monitoring Officer, who may refer it to the Standards "
        "Committee (004 §15.2, §15.4)",
        "case_type": "complaint",
        "raised_by": "officer",
        "concerning": "group_leader",
        "stage": "first",
        "handler": MO,
        "copied": set(),
        "deadline": ACK,
        "next_stage": "standards-committee",
        "source": "004 §15.2",
    },
    # ---- Relationships ----
    {
        "scenario": "member discloses a close personal or family relationship with an officer "
        "to the Chief Executive, and to their party whip where it might be seen as "
        "influencing their work (004 §3.2)",
        "case_type": "relationship",
        "raised_by": "member",
        "concerning": "any",
        "stage": "first",
        "handler": CE,
        "copied": {("whip", "raiser_group")},
        "deadline": None,
        "next_stage": None,
        "source": "004 §3.2",
    },
    {
        "scenario": "officer discloses a close personal or family relationship with a member to "
        "the Chief Executive, who decides how far to disclose it (004 §3.2)",
        "case_type": "relationship",
        "raised_by": "officer",
        "concerning": "officer",
        "stage": "first",
        "handler": CE,
        "copied": set(),
        "deadline": None,
        "next_stage": None,
        "source": "004 §3.2",
    },
    {
        "scenario": "a second-tier Director discloses a close relationship with a member to "
        "the Chief Executive (004 §3.2; incompatibility §3.4)",
        "case_type": "relationship",
        "raised_by": "officer",
        "concerning": "director",
        "stage": "first",
        "handler": CE,
        "copied": set(),
        "deadline": None,
        "next_stage": None,
        "source": "004 §3.2",
    },
    {
        "scenario": "the Chief Executive discloses a relationship with a member: the protocol "
        "is silent (§3.2 names the Chief Executive); default: the Monitoring Officer",
        "case_type": "relationship",
        "raised_by": "officer",
        "concerning": "chief_executive",
        "stage": "first",
        "handler": MO,
        "copied": set(),
        "deadline": None,
        "next_stage": None,
        "source": "default",
    },
    # ---- Interests ----
    {
        "scenario": "member registers financial and other interests, gifts and hospitality as "
        "the Code of Conduct requires (004 §2.2.8; 28 days by default)",
        "case_type": "interest",
        "raised_by": "member",
        "concerning": "registration",
        "stage": "first",
        "handler": MO,
        "copied": set(),
        "deadline": (28, "calendar"),
        "next_stage": None,
        "source": "004 §2.2.8",
    },
    {
        "scenario": "member with a personal or prejudicial interest seeks the Monitoring "
        "Officer's advice before inspecting documents (004 §12.10)",
        "case_type": "interest",
        "raised_by": "member",
        "concerning": "advice",
        "stage": "first",
        "handler": MO,
        "copied": set(),
        "deadline": None,
        "next_stage": None,
        "source": "004 §12.10",
    },
    # ---- Access to documents ----
    {
        "scenario": "member of the Cabinet, a committee or a scrutiny body inspects documents "
        "about its business as of right (004 §12.1)",
        "case_type": "access_request",
        "raised_by": "member",
        "concerning": "presumed",
        "stage": "first",
        "handler": ("legal_democratic_services", "council"),
        "copied": set(),
        "deadline": NEED_TO_KNOW,
        "next_stage": "dispute",
        "source": "004 §12.1",
    },
    {
        "scenario": "member not on the body satisfies the Monitoring Officer that they "
        "reasonably need the documents (004 §12.3)",
        "case_type": "access_request",
        "raised_by": "member",
        "concerning": "must_justify",
        "stage": "first",
        "handler": MO,
        "copied": set(),
        "deadline": NEED_TO_KNOW,
        "next_stage": "dispute",
        "source": "004 §12.3",
    },
    {
        "scenario": "member not on the body asks for confidential or exempt information "
        "(004 §12.3)",
        "case_type": "access_request",
        "raised_by": "member",
        "concerning": "no_right",
        "stage": "first",
        "handler": MO,
        "copied": set(),
        "deadline": NEED_TO_KNOW,
        "next_stage": "dispute",
        "source": "004 §12.3",
    },
    {
        "scenario": "group request that is not readily accessible, needs significant extra work "
        "or is confidential or exempt (004 §12.4)",
        "case_type": "access_request",
        "raised_by": "member",
        "concerning": "no_right",
        "stage": "first",
        "handler": MO,
        "copied": set(),
        "deadline": NEED_TO_KNOW,
        "next_stage": "dispute",
        "source": "004 §12.4",
    },
    {
        "scenario": "disagreement over access: the Chief Executive ensures it is referred to the "
        "relevant body for decision (004 §12.9)",
        "case_type": "access_request",
        "raised_by": "member",
        "concerning": "must_justify",
        "stage": "dispute",
        "handler": CE,
        "copied": set(),
        "deadline": NEED_TO_KNOW,
        "next_stage": None,
        "source": "004 §12.9",
    },
    # ---- FOI ----
    {
        "scenario": "member not on the body asks for information disclosable under the Freedom "
        "of Information Act (004 §12.3)",
        "case_type": "foi",
        "raised_by": "member",
        "concerning": "any",
        "stage": "first",
        "handler": ("complaints_team", "council"),
        "copied": set(),
        "deadline": (20, "foi"),
        "next_stage": None,
        "source": "004 §12.3",
    },
]
