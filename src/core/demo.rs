//! A demo store: five months of a Safe & Together collaboration project between CYFD (child
//! protective services) and La Casa (a domestic-violence advocacy agency) in Doña Ana and Sierra
//! counties, New Mexico, with two evaluators' codings. The families are never named; the notes
//! speak of roles only, as real notes must.
//!
//! The text is fixed so demos and screenshots are repeatable; ids are fresh each time.

use crate::core::atomic::{atomic_write, create_private_dir};
use crate::core::coding::{
    coder_slug, AnchorStatus, CoderSessionFile, Coding, CodingId, CONTEXT_CHARS,
};
use crate::core::session::{Participant, Session, SessionId, SessionMeta, SessionType};
use crate::core::settings::StoreSettings;
use crate::core::store::Store;
use crate::core::text::{byte_to_char, char_slice};
use anyhow::{bail, Context as _};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use std::path::Path;

struct DemoSession {
    title: &'static str,
    date: (i32, u32, u32),
    session_type: SessionType,
    agencies: &'static [&'static str],
    county: &'static str,
    facilitator: &'static str,
    participants: &'static [(&'static str, u32)],
    tags: &'static [&'static str],
    text: &'static str,
}

/// One demo coding: which session (index into `SESSIONS`), who, which theme, the exact quote.
struct DemoCoding {
    session: usize,
    coder: &'static str,
    theme: &'static str,
    quote: &'static str,
    memo: &'static str,
}

/// The two demo evaluators (display names; their folders are the slugs `ana-ortiz`, `j-chen`).
pub const DEMO_CODERS: [&str; 2] = ["Ana Ortiz", "J. Chen"];

const CYFD: &str = "CYFD";
const LA_CASA: &str = "La Casa";
const DONA_ANA: &str = "Doña Ana";
const SIERRA: &str = "Sierra";

const SESSIONS: &[DemoSession] = &[
    DemoSession {
        title: "Leadership kickoff: why we are doing this together",
        date: (2026, 2, 4),
        session_type: SessionType::LeadershipMeeting,
        agencies: &[CYFD, LA_CASA],
        county: DONA_ANA,
        facilitator: "M. Rivera",
        participants: &[("CYFD county office manager", 1), ("CYFD supervisor", 2), ("La Casa executive director", 1), ("La Casa program manager", 1)],
        tags: &["kickoff", "leadership"],
        text: "First leadership meeting for the Doña Ana collaboration project. Both agencies came with a history: several people in the room remembered cases from years back where a mother lost custody after La Casa had helped her leave, and advocates stopped returning CYFD calls after that. Nobody said it straight out at first, but it was in the room.

The CYFD office manager opened by saying the office wants to stop holding survivors responsible for the behaviour of the person who chose violence. The La Casa director answered that she has heard that before, and that her staff will believe it when they see it in how investigators write up cases. That was honest and it set the tone. I think it helped that the manager did not get defensive.

We agreed on three things for the first five months:
- parallel coaching for each agency every other week, joint coaching once a month;
- a shared list of questions about confidentiality, because advocates cannot share what a survivor tells them without a signed release and investigators often do not know that;
- one leadership check-in a month, with this group.

The La Casa program manager asked who decides what counts as \"success\". We left it open and said we would come back to it in June. My read: confianza is low but both leaders want this to work. The supervisors were quiet; I should make space for them next time.

Next steps: send the coaching calendar ✓, draft the confidentiality question list with both program managers.
",
    },
    DemoSession {
        title: "Training: the Safe & Together Model for investigators",
        date: (2026, 2, 11),
        session_type: SessionType::Training,
        agencies: &[CYFD],
        county: DONA_ANA,
        facilitator: "M. Rivera",
        participants: &[("CYFD investigator", 9), ("CYFD supervisor", 2)],
        tags: &["training", "model-overview"],
        text: "Half-day overview for the investigations unit. Eleven people, good energy after the break.

We spent most of the time on the perpetrator pattern-based approach: keeping the focus on the pattern of coercive control by the person who uses violence, and on how that pattern harms the children, instead of on the incident or on whether the mother \"failed to protect\". One investigator said that the failure-to-protect language is in the templates and they write it without thinking. We looked at two redacted case notes and rewrote the summaries together.

The most useful exercise was mapping a father's choices: the threats about the children, cutting the mother off from her sister, breaking the car so she could not get to work. Once it was on the whiteboard the group could see how each choice affected the kids' routine, schooling and sleep. A supervisor said: \"We never write down what he did to the children's day. We write down what she didn't do.\"

Pushback came from a senior investigator who worries that naming the father's behaviour in the report will make him more dangerous. Fair point; we talked about safety planning with the advocate before the interview, which led naturally to the joint work with La Casa. I told the group that partnering with survivors is not the same as agreeing with every choice a survivor makes.

Follow-up: send the handout on describing perpetrator patterns, and offer coaching on two live cases.
",
    },
    DemoSession {
        title: "La Casa coaching: what can we share, and when?",
        date: (2026, 2, 18),
        session_type: SessionType::Coaching,
        agencies: &[LA_CASA],
        county: DONA_ANA,
        facilitator: "T. Begay",
        participants: &[("La Casa advocate", 5), ("La Casa program manager", 1)],
        tags: &["confidentiality", "information-sharing"],
        text: "Parallel coaching with the advocates. We worked through the confidentiality question list that came out of the leadership meeting.

The advocates are clear about their role: under their funding rules they cannot confirm that someone is even a client without written, time-limited consent. Several of them have been pressured by CYFD workers on the phone (\"just tell me if she is staying at the shelter\"), and one advocate said she now hangs up when she hears the CYFD number. That is the trust problem in one sentence.

We practised how to say no without closing the door: \"I can't confirm or deny who we serve, but if the person you are working with signs a release, I can talk with you, and I can tell you how our releases work.\" They liked having words for it. The program manager suggested a one-page sheet for investigators about what advocates can and cannot do, in English and Spanish.

We also talked about what they want from CYFD. Most of all: to be told before a worker interviews a survivor who is a La Casa client, so that safety planning can happen first. And to have the survivor's protective efforts written into the case, not only the risks. An advocate said that the women she works with do a hundred things a day to keep their kids safe and none of it ends up in the file.

Homework: program manager drafts the one-pager; I bring it to the CYFD supervisors for reactions.
",
    },
    DemoSession {
        title: "CYFD coaching: mapping a father's pattern in a permanency case",
        date: (2026, 2, 25),
        session_type: SessionType::Coaching,
        agencies: &[CYFD],
        county: DONA_ANA,
        facilitator: "M. Rivera",
        participants: &[("CYFD permanency worker", 3), ("CYFD supervisor", 1)],
        tags: &["perpetrator-patterns", "fathers"],
        text: "Case consultation with the permanency unit on one live case (two children, 4 and 7; the mother is engaged with La Casa; the father has a pending protective order hearing).

The worker's case plan had seven tasks for the mother and one for the father (\"complete anger management\"). We laid out the father's pattern using the mapping tool: control of money, monitoring her phone, threatening to take the children to his family out of state, and using the children to pass messages. The children's behaviour at school (the older one refusing to leave the mother's side) makes sense once the pattern is written down.

The supervisor noticed that the case plan asked the mother to \"keep the children away from the father\" while the court order allows him visits. We agreed that is setting her up to fail. The worker will rewrite the plan so the father's tasks address his choices as a parent: how his behaviour affects the children, supervised visits with a parenting focus, and a batterer intervention program instead of anger management.

Hard conversation about engaging him: the worker has avoided calling the father because he is intimidating on the phone. We role-played a first call that is respectful but does not collude, keeping the focus on the children. The worker said afterwards she felt she could actually do it. 🙂

Next: worker calls the father before the next session; I check in by email.
",
    },
    DemoSession {
        title: "Joint coaching: first shared case consultation",
        date: (2026, 3, 10),
        session_type: SessionType::JointCoaching,
        agencies: &[CYFD, LA_CASA],
        county: DONA_ANA,
        facilitator: "M. Rivera",
        participants: &[("CYFD investigator", 2), ("CYFD supervisor", 1), ("La Casa advocate", 2), ("La Casa program manager", 1)],
        tags: &["joint", "information-sharing", "roles"],
        text: "First joint session. Seating told a story: CYFD on one side, La Casa on the other. I mixed the small groups on purpose.

We used a composite case (no live case yet, by agreement) to walk through the first week after a referral. At each step, each agency said what it would do, what it would need from the other, and what it could not share. It surfaced a lot:
- investigators did not know that the advocate cannot call them back without a release;
- advocates did not know that CYFD has a 24-hour response clock and that silence from La Casa is read as \"no safety concerns\";
- both sides assumed the other would tell the survivor about the court date.

The strongest moment was when an investigator said to an advocate: \"When you don't call back I assume you're protecting her from us.\" The advocate answered: \"Sometimes I am.\" Then they talked about what it would take for that not to be necessary. That was real communication, maybe the first time.

Agreement reached: with the survivor's consent, the investigator and advocate will do a joint safety planning conversation before any interview with the person using violence. The program manager will adapt the La Casa release form so it names CYFD specifically.

Roles are clearer but still confused on one point: who explains the CYFD process to the survivor. Both want the other to do it. Parked for the next joint session.
",
    },
    DemoSession {
        title: "La Casa coaching: partnering with survivors in CYFD meetings",
        date: (2026, 3, 17),
        session_type: SessionType::Coaching,
        agencies: &[LA_CASA],
        county: DONA_ANA,
        facilitator: "T. Begay",
        participants: &[("La Casa advocate", 4), ("La Casa legal advocate", 1)],
        tags: &["partnering-survivors", "advocacy"],
        text: "Coaching on how advocates can support survivors in family team meetings without becoming a second investigator or an adversary.

The legal advocate described a meeting last month where the survivor was asked, in front of the father, whether she would \"choose the children or him\". She froze, and the advocate said she did not know whether to interrupt. We practised interrupting: asking for a break, asking to speak with the worker alone, and naming it afterwards with the supervisor.

We talked about preparing survivors beforehand: what the meeting is for, who will be there, what the worker is worried about, and what the survivor has already done to keep the kids safe. One advocate keeps a list with the survivor of every protective step: moving the kids' beds, a code word with the oldest, changing the school pickup. She brings it to meetings so the worker hears it. The others want to copy this.

There is a tension the group named honestly: advocates work for the survivor, not for the children's case, and they worry that working closely with CYFD will make survivors stop trusting them. We did not resolve it. What helped was separating \"sharing information\" from \"sharing goals\": they can share the goal of the children being safe with the mother without sharing what she tells them in confidence.

Spanish-language materials: the advocates asked for the CYFD process explained in Spanish, in plain words — not translated legal text. Niñez y familia terms confuse people.
",
    },
    DemoSession {
        title: "Training in Sierra County: fathers who use violence are still fathers",
        date: (2026, 3, 24),
        session_type: SessionType::Training,
        agencies: &[CYFD, LA_CASA],
        county: SIERRA,
        facilitator: "T. Begay",
        participants: &[("CYFD worker", 4), ("CYFD supervisor", 1), ("La Casa outreach advocate", 2), ("probation officer", 1)],
        tags: &["training", "fathers", "rural"],
        text: "Full-day training in Truth or Consequences for the Sierra County office, with two La Casa outreach advocates and a probation officer. Small county: everyone knows everyone, including the families. Confidentiality is harder here in practice than in policy.

Morning: engaging fathers who use violence as parents. The group said fathers are often absent from the case because nobody calls them, and then the case plan is all about the mother. We practised questions that keep the focus on his parenting: \"What do you want your kids to remember about how you treated their mom?\" \"How do you think your son felt when the police came?\" Several workers were surprised that fathers often answer these honestly.

The probation officer added that the court orders batterer intervention but nobody tells probation what CYFD is worried about, so he cannot hold the father accountable for how he treats the children. People wrote that down; it may be the most practical thing that came out of the day.

Afternoon: rural safety planning. Long distances, one shelter two hours away, no public transport. The advocates described how they plan with survivors who cannot leave: a bag at a neighbour's, a cousin's ranch, phone numbers written on paper. Workers heard, maybe for the first time, how much survivors already do.

Evaluation forms mostly positive. One comment: \"Finally someone said the dad has to change, not just the mom.\" Another asked for less lecture and more practice ✓.
",
    },
    DemoSession {
        title: "Joint coaching: shared language in case notes",
        date: (2026, 4, 7),
        session_type: SessionType::JointCoaching,
        agencies: &[CYFD, LA_CASA],
        county: DONA_ANA,
        facilitator: "M. Rivera",
        participants: &[("CYFD investigator", 3), ("CYFD supervisor", 1), ("La Casa advocate", 3)],
        tags: &["shared-language", "documentation"],
        text: "Joint session on the words we use. I brought five sentences taken from real (redacted) CYFD notes and La Casa intake forms and we rewrote them together.

\"Mother has a history of DV relationships\" became \"The children's father has repeatedly assaulted the mother and threatened her in front of the children; she has sought help from La Casa twice and obtained a protective order.\" An advocate pointed out that the first sentence makes the violence her trait. An investigator said the second sentence is longer but it would actually help in court, because it describes behaviour.

\"Domestic dispute\" and \"mutual altercation\" got the most discussion. Some investigators said they copy whatever the police report says. We agreed to describe what each person did instead of using the police label, and to name the person who chose violence and the choice he made.

The advocates also had to look at their own language: one intake form says \"client is in denial about the abuse\". They laughed and said they would change it. That helped: it was not one agency correcting the other.

By the end they had a shared list of ten phrases to avoid and what to write instead. They want it on a laminated card. I'll draft it and both program managers will review.

Noticing: the mixed tables worked. People are starting to call each other by first name, and two of them set up a lunch. That is communication happening outside the room, which is where it counts.
",
    },
    DemoSession {
        title: "CYFD coaching: an interview with an interpreter",
        date: (2026, 4, 14),
        session_type: SessionType::Coaching,
        agencies: &[CYFD],
        county: DONA_ANA,
        facilitator: "M. Rivera",
        participants: &[("CYFD investigator", 2), ("CYFD supervisor", 1)],
        tags: &["interpreters", "fathers", "language-access"],
        text: "Case consultation on a family who speak Mandarin; the mother has limited English and the father has used his English to control every contact with services. The investigator had been letting the father interpret at the first home visit, which we all agreed cannot happen again.

The investigator described the second visit, with a telephone interpreter. The mother spoke about the children for the first time. The interpreter relayed that she kept saying 我们 — \"we\" — about herself and the children, never about the father. The investigator took that as a sign of how she sees the family's safety: herself and the kids on one side. Worth noting in the assessment, carefully, as her words.

We planned how to interview the father separately: a different interpreter, no assumptions about culture excusing control, and the same questions about his parenting we practised in the training. The supervisor reminded the worker to ask La Casa about advocates who speak Mandarin or who work with the regional Asian family services program. This is the first time the worker thought of La Casa as a resource rather than a gatekeeper.

Also discussed: the worker's own worry about being seen as culturally insensitive if she names the father's coercive control. We separated culture from the pattern: the pattern of isolating her, controlling money and controlling language access is what harms the children, whatever the culture.

Next: worker contacts the La Casa program manager; I'll follow up with the supervisor on interpreter policy.
",
    },
    DemoSession {
        title: "Leadership meeting: an information-sharing agreement",
        date: (2026, 4, 28),
        session_type: SessionType::LeadershipMeeting,
        agencies: &[CYFD, LA_CASA],
        county: DONA_ANA,
        facilitator: "M. Rivera",
        participants: &[("CYFD county office manager", 1), ("CYFD supervisor", 2), ("La Casa executive director", 1), ("La Casa program manager", 1)],
        tags: &["leadership", "information-sharing", "agreement"],
        text: "Monthly leadership check-in. Main item: a written agreement on information sharing.

The draft says: advocates share only with a signed, specific release; CYFD tells La Casa (with the survivor's consent) before interviewing a La Casa client; both agencies use the joint safety planning conversation before interviewing the person who used violence. CYFD legal wants a line saying nothing in the agreement limits mandated reporting. La Casa is fine with that as long as it also says advocates are not CYFD's agents.

The La Casa director said something that struck me: \"Three months ago I would not have signed anything with CYFD. Now I think we can, because I trust the people in this room, not because I trust the agency.\" The office manager answered that the agreement is what keeps it working when the people change. Both are right; it is a good tension to hold.

They also looked at the numbers: since March, seven joint safety planning conversations; in five of them the survivor agreed to a release. Supervisors report fewer angry phone calls in both directions. The advocates' one-pager on what they can and cannot share is now in every investigator's packet.

Disagreement still open: CYFD wants La Casa to attend family team meetings \"as a partner\". La Casa says advocates attend only at the survivor's request, as the survivor's support. We agreed the survivor decides, and the invitation letter will say so.

Decision: sign the agreement at the May meeting. Flexibility from both sides today.
",
    },
    DemoSession {
        title: "Joint coaching in Sierra County: safety planning far from help",
        date: (2026, 5, 12),
        session_type: SessionType::JointCoaching,
        agencies: &[CYFD, LA_CASA],
        county: SIERRA,
        facilitator: "T. Begay",
        participants: &[("CYFD worker", 3), ("La Casa outreach advocate", 2), ("tribal liaison", 1)],
        tags: &["rural", "safety-planning", "joint"],
        text: "Second visit to Sierra County, this time joint coaching on two live cases (survivors consented to the consultation).

Case one: a mother living on a ranch forty minutes from the nearest town; the father controls the only working truck. The worker's plan had asked her to attend parenting classes in town twice a week. The advocate explained that every trip to town is negotiated with him and costs her. They rewrote the plan: the classes by video from the advocate's office on days she already comes in for the WIC appointment, and the father's tasks moved to the top of the plan.

Case two was harder. The father has started attending church with the children and presents well to everyone, including the worker. The advocate described the survivor's fear that nobody will believe her in a town where he is liked. We mapped his pattern together; the worker realised that she had written \"father is cooperative and engaged\" without looking at what he does at home. She changed it to describe the specific behaviours the mother and the oldest child reported.

The tribal liaison asked to be included earlier when families have ties to the Mescalero community. Noted for the agreement.

What I noticed: the worker and the advocate finished each other's sentences by the end. Six weeks ago in the training they sat at different tables. Shared purpose is visible: both said \"our family\" about case one.
",
    },
    DemoSession {
        title: "La Casa coaching: advocating for clients when CYFD is involved",
        date: (2026, 5, 19),
        session_type: SessionType::Coaching,
        agencies: &[LA_CASA],
        county: DONA_ANA,
        facilitator: "T. Begay",
        participants: &[("La Casa advocate", 5), ("La Casa legal advocate", 1)],
        tags: &["advocacy", "court"],
        text: "Coaching on advocating for clients who have an open CYFD case, now that the relationship with the office is better. The advocates said their new worry is being too friendly: \"If we agree with CYFD all the time, who is on her side?\"

We talked about what good advocacy looks like inside a partnership. Advocates can push back in a case meeting and still keep the relationship, as long as they push on the practice and not on the person. The legal advocate gave an example from last week: she asked the investigator, in front of the supervisor, why the mother was still listed as \"failing to protect\" when the plan no longer said so. The supervisor fixed it on the spot and thanked her afterwards.

We practised three situations: a worker who wants the mother to file for a protective order she thinks will make things worse; a meeting where the father's attorney uses the mother's shelter stay against her; and a survivor who wants to reunite with the father. For the last one, the group agreed their job is to plan for safety with her choice, not to talk her out of it, and to help the worker understand why she is making it.

The advocates also want CYFD to see them as experts on risk, not only as support. That came up three times. I will bring it to the leadership meeting: maybe advocates co-present at the next investigators' training.

Energy was good. Confianza is not the question any more; the question is keeping their independence.
",
    },
    DemoSession {
        title: "Joint coaching: case review with fathers at the centre",
        date: (2026, 6, 2),
        session_type: SessionType::JointCoaching,
        agencies: &[CYFD, LA_CASA],
        county: DONA_ANA,
        facilitator: "M. Rivera",
        participants: &[("CYFD investigator", 2), ("CYFD permanency worker", 2), ("CYFD supervisor", 1), ("La Casa advocate", 2)],
        tags: &["fathers", "case-review", "joint"],
        text: "Joint case review of four cases opened since March, looking at how fathers who use violence were engaged as parents.

In three of the four, the father was contacted in the first two weeks — a real change from the baseline, when most fathers were never called. The permanency worker from February reported back on the father she was afraid to call: the first call was short and hostile, the second one was about the kids' school, and he has now attended four supervised visits and started the intervention program. She was clear that he is not \"fixed\" and that his contact with the mother is still controlling. But the children's file now says what he is doing and what he needs to change, and the mother's plan no longer carries his tasks.

In the fourth case nobody reached the father, and the plan again put all the tasks on the mother. The supervisor owned it: the worker was new and had not been to the training. We agreed new workers get the joint coaching in their first month.

The advocates noticed something important: when fathers are engaged, survivors relax in meetings. One said the mother told her, \"For once I am not the only one they are looking at.\"

Language check: the case notes used \"mutual\" once; everything else described behaviour and named the person who chose violence. Progress on the shared card from April is visible in the files 🙂.
",
    },
    DemoSession {
        title: "Leadership meeting: five months in, and what comes next",
        date: (2026, 6, 16),
        session_type: SessionType::LeadershipMeeting,
        agencies: &[CYFD, LA_CASA],
        county: DONA_ANA,
        facilitator: "M. Rivera",
        participants: &[("CYFD county office manager", 1), ("CYFD supervisor", 2), ("La Casa executive director", 1), ("La Casa program manager", 1), ("Sierra County CYFD supervisor", 1)],
        tags: &["leadership", "reflection", "sustainability"],
        text: "Reflection meeting at the end of the first phase. We went back to the question from February: what counts as success?

The leaders named four things. First, trust between the workers, which they said was built one case at a time, not by the agreement. Second, the joint safety planning conversation, now routine in Doña Ana and starting in Sierra. Third, fathers are called and their behaviour is in the case plan. Fourth, the language in files has changed; the office manager read two summaries from this month aloud to show it.

What is not working yet: turnover. Two of the investigators trained in February have left. The Sierra County supervisor said her office cannot send people to Las Cruces for monthly joint sessions; we will try video for the rural office and an in-person session each quarter.

The La Casa director said her staff feel respected for the first time, and named a risk: if CYFD leadership changes, the advocates expect to go back to square one. The office manager committed to putting the joint safety planning conversation into the office's written procedures before the summer, and to including La Casa in new-worker orientation.

They want the evaluation to tell the story in the workers' words, not only in numbers. The evaluators will pull quotes on collaboration and on practice from the session notes.

Next phase priorities: sustain the joint coaching with new staff, extend to the Sierra office, co-training by advocates and investigators, and a plain-language Spanish guide to the CYFD process for families (niñez, familia y seguridad). Everyone signed the agreement ✓.
",
    },
];

const CODINGS: &[DemoCoding] = &[
    // Ana Ortiz
    DemoCoding { session: 0, coder: "Ana Ortiz", theme: "trust", quote: "advocates stopped returning CYFD calls after that", memo: "Baseline: distrust rooted in a specific past case." },
    DemoCoding { session: 0, coder: "Ana Ortiz", theme: "naming-choice", quote: "stop holding survivors responsible for the behaviour of the person who chose violence", memo: "" },
    DemoCoding { session: 0, coder: "Ana Ortiz", theme: "commitment", quote: "confianza is low but both leaders want this to work", memo: "" },
    DemoCoding { session: 1, coder: "Ana Ortiz", theme: "perpetrator-patterns", quote: "We never write down what he did to the children's day. We write down what she didn't do.", memo: "Strong quote for the report: shift from failure-to-protect." },
    DemoCoding { session: 1, coder: "Ana Ortiz", theme: "avoiding-blame", quote: "the failure-to-protect language is in the templates and they write it without thinking", memo: "" },
    DemoCoding { session: 2, coder: "Ana Ortiz", theme: "trust", quote: "she now hangs up when she hears the CYFD number", memo: "" },
    DemoCoding { session: 2, coder: "Ana Ortiz", theme: "roles", quote: "they cannot confirm that someone is even a client without written, time-limited consent", memo: "" },
    DemoCoding { session: 2, coder: "Ana Ortiz", theme: "protective-efforts", quote: "the women she works with do a hundred things a day to keep their kids safe and none of it ends up in the file", memo: "" },
    DemoCoding { session: 3, coder: "Ana Ortiz", theme: "engaging-perpetrators", quote: "the father's tasks address his choices as a parent", memo: "" },
    DemoCoding { session: 4, coder: "Ana Ortiz", theme: "communication", quote: "When you don't call back I assume you're protecting her from us.", memo: "Turning point in the joint work." },
    DemoCoding { session: 4, coder: "Ana Ortiz", theme: "roles", quote: "who explains the CYFD process to the survivor. Both want the other to do it", memo: "" },
    DemoCoding { session: 5, coder: "Ana Ortiz", theme: "partnering-survivors", quote: "separating \"sharing information\" from \"sharing goals\"", memo: "" },
    DemoCoding { session: 7, coder: "Ana Ortiz", theme: "naming-choice", quote: "name the person who chose violence and the choice he made", memo: "" },
    DemoCoding { session: 9, coder: "Ana Ortiz", theme: "trust", quote: "because I trust the people in this room, not because I trust the agency", memo: "Trust is personal before it is institutional." },
    DemoCoding { session: 9, coder: "Ana Ortiz", theme: "flexibility", quote: "We agreed the survivor decides, and the invitation letter will say so.", memo: "" },
    DemoCoding { session: 12, coder: "Ana Ortiz", theme: "engaging-perpetrators", quote: "the father was contacted in the first two weeks", memo: "" },
    DemoCoding { session: 13, coder: "Ana Ortiz", theme: "effectiveness", quote: "the joint safety planning conversation, now routine in Doña Ana and starting in Sierra", memo: "" },
    // J. Chen
    DemoCoding { session: 0, coder: "J. Chen", theme: "trust", quote: "advocates stopped returning CYFD calls after that", memo: "" },
    DemoCoding { session: 2, coder: "J. Chen", theme: "communication", quote: "I can't confirm or deny who we serve, but if the person you are working with signs a release, I can talk with you", memo: "Scripted language as a communication tool." },
    DemoCoding { session: 4, coder: "J. Chen", theme: "communication", quote: "\"When you don't call back I assume you're protecting her from us.\" The advocate answered: \"Sometimes I am.\"", memo: "" },
    DemoCoding { session: 6, coder: "J. Chen", theme: "engaging-perpetrators", quote: "What do you want your kids to remember about how you treated their mom?", memo: "" },
    DemoCoding { session: 6, coder: "J. Chen", theme: "protective-efforts", quote: "a bag at a neighbour's, a cousin's ranch, phone numbers written on paper", memo: "" },
    DemoCoding { session: 7, coder: "J. Chen", theme: "avoiding-blame", quote: "the first sentence makes the violence her trait", memo: "" },
    DemoCoding { session: 8, coder: "J. Chen", theme: "perpetrator-patterns", quote: "the pattern of isolating her, controlling money and controlling language access is what harms the children", memo: "Culture vs. pattern: useful for training materials." },
    DemoCoding { session: 8, coder: "J. Chen", theme: "partnering-survivors", quote: "she kept saying 我们 — \"we\" — about herself and the children", memo: "" },
    DemoCoding { session: 10, coder: "J. Chen", theme: "shared-purpose", quote: "both said \"our family\" about case one", memo: "" },
    DemoCoding { session: 10, coder: "J. Chen", theme: "perpetrator-patterns", quote: "she had written \"father is cooperative and engaged\" without looking at what he does at home", memo: "" },
    DemoCoding { session: 11, coder: "J. Chen", theme: "advocating-clients", quote: "push on the practice and not on the person", memo: "" },
    DemoCoding { session: 11, coder: "J. Chen", theme: "partnering-survivors", quote: "their job is to plan for safety with her choice, not to talk her out of it", memo: "" },
    DemoCoding { session: 12, coder: "J. Chen", theme: "engaging-perpetrators", quote: "For once I am not the only one they are looking at.", memo: "" },
    DemoCoding { session: 13, coder: "J. Chen", theme: "trust", quote: "built one case at a time, not by the agreement", memo: "" },
    DemoCoding { session: 13, coder: "J. Chen", theme: "commitment", quote: "committed to putting the joint safety planning conversation into the office's written procedures", memo: "" },
];

/// Notes an evaluator wrote about a whole session (coder, session index, memo).
const SESSION_MEMOS: &[(&str, usize, &str)] = &[
    (
        "Ana Ortiz",
        0,
        "Baseline session: use for the 'before' picture of trust and roles.",
    ),
    (
        "Ana Ortiz",
        13,
        "Good summary of outcomes in the leaders' own words; compare with session 1.",
    ),
    (
        "J. Chen",
        8,
        "Language access: only session with an interpreter. Check with facilitator before quoting.",
    ),
];

/// Write the demo store at `root` (which must be new or empty).
pub fn write_demo_store(root: &Path) -> anyhow::Result<()> {
    create_private_dir(root).with_context(|| format!("cannot create {}", root.display()))?;
    let settings = StoreSettings {
        format: crate::core::settings::STORE_FORMAT,
        name: "Safe & Together collaboration — Doña Ana and Sierra (demo)".into(),
        ..StoreSettings::default()
    };
    atomic_write(
        &root.join("ripple.toml"),
        settings.to_toml_string().as_bytes(),
    )?;
    let store = Store::open(root)?;
    if let Some(reason) = store.read_only_reason() {
        bail!("cannot write the demo store: {reason}");
    }

    let mut sessions: Vec<Session> = Vec::with_capacity(SESSIONS.len());
    for (i, d) in SESSIONS.iter().enumerate() {
        let date = NaiveDate::from_ymd_opt(d.date.0, d.date.1, d.date.2).context("demo date")?;
        // Notes are typed in the evening after the session and revised the next morning.
        let created = date
            .and_hms_opt(17, 30 + (i as u32 % 20), 0)
            .context("time")?
            .and_utc();
        let updated = created + Duration::hours(15) + Duration::minutes(7 * i as i64);
        let meta = SessionMeta {
            id: SessionId::new(),
            title: d.title.to_string(),
            date,
            agencies: d.agencies.iter().map(|s| s.to_string()).collect(),
            session_type: d.session_type,
            county: d.county.to_string(),
            facilitator: d.facilitator.to_string(),
            participants: d
                .participants
                .iter()
                .map(|(role, count)| Participant {
                    role: role.to_string(),
                    count: *count,
                })
                .collect(),
            tags: d.tags.iter().map(|s| s.to_string()).collect(),
            created,
            updated,
        };
        sessions.push(store.create(meta, d.text)?);
    }

    for coder in DEMO_CODERS {
        let dir = store.codings_dir().join(coder_slug(coder));
        create_private_dir(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        for (i, session) in sessions.iter().enumerate() {
            let codings: Vec<Coding> = CODINGS
                .iter()
                .filter(|c| c.coder == coder && c.session == i)
                .enumerate()
                .map(|(n, c)| demo_coding(session, c, n))
                .collect::<anyhow::Result<_>>()?;
            let memo = SESSION_MEMOS
                .iter()
                .find(|(c, s, _)| *c == coder && *s == i)
                .map(|(_, _, m)| m.to_string())
                .unwrap_or_default();
            if codings.is_empty() && memo.is_empty() {
                continue;
            }
            let file = CoderSessionFile {
                session: session.meta.id.clone(),
                coder: coder.to_string(),
                memo,
                codings,
            };
            let path = dir.join(format!("{}.json", session.meta.id));
            let mut json = serde_json::to_string_pretty(&file)?;
            json.push('\n');
            atomic_write(&path, json.as_bytes())
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
    }
    Ok(())
}

fn demo_coding(session: &Session, c: &DemoCoding, n: usize) -> anyhow::Result<Coding> {
    let text = &session.text;
    let byte = text.find(c.quote).with_context(|| {
        format!(
            "demo coding quote not found in \"{}\": {}",
            session.meta.title, c.quote
        )
    })?;
    let start = byte_to_char(text, byte);
    let end = start + c.quote.chars().count();
    let when: DateTime<Utc> =
        session.meta.updated + Duration::days(20) + Duration::minutes(n as i64 * 3);
    Ok(Coding {
        id: CodingId::new(),
        session: session.meta.id.clone(),
        theme: c.theme.to_string(),
        coder: c.coder.to_string(),
        start,
        end,
        quote: c.quote.to_string(),
        before: char_slice(text, start.saturating_sub(CONTEXT_CHARS), start).to_string(),
        after: char_slice(text, end, end + CONTEXT_CHARS).to_string(),
        memo: c.memo.to_string(),
        status: AnchorStatus::Attached,
        created: when,
        updated: when,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::text::char_slice;

    #[test]
    fn demo_notes_are_realistic_lengths_and_unicode() {
        assert!(SESSIONS.len() >= 12);
        for s in SESSIONS {
            let words = s.text.split_whitespace().count();
            assert!((150..=400).contains(&words), "{}: {words} words", s.title);
        }
        let all: String = SESSIONS.iter().map(|s| s.text).collect();
        for needle in ["Doña Ana", "我们", "confianza", "Niñez", "🙂", "✓"] {
            assert!(all.contains(needle), "{needle}");
        }
        let months: std::collections::BTreeSet<u32> = SESSIONS.iter().map(|s| s.date.1).collect();
        assert_eq!(months.len(), 5);
        assert!(SESSIONS.iter().any(|s| s.county == SIERRA));
    }

    #[test]
    fn demo_store_codings_point_at_their_quotes() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("demo");
        write_demo_store(&root).unwrap();
        let store = Store::open(&root).unwrap();
        let scan = store.scan();
        assert!(scan.problems.is_empty(), "{:?}", scan.problems);
        assert_eq!(scan.sessions.len(), SESSIONS.len());
        let mut total = 0;
        for folder in ["ana-ortiz", "j-chen"] {
            let d = store.codings_dir().join(folder);
            for f in std::fs::read_dir(&d).unwrap() {
                let f = f.unwrap().path();
                let file: CoderSessionFile =
                    serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
                let s = store.load(&file.session).unwrap();
                for c in &file.codings {
                    assert_eq!(char_slice(&s.text, c.start, c.end), c.quote);
                    assert!(c.before.chars().count() <= CONTEXT_CHARS);
                    assert!(s
                        .text
                        .contains(&format!("{}{}{}", c.before, c.quote, c.after)));
                    total += 1;
                }
            }
        }
        assert_eq!(total, CODINGS.len());
        assert!(total >= 25);
        assert_eq!(coder_slug("J. Chen"), "j-chen");
    }
}
