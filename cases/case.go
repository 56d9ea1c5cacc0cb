package cases

import (
	"time"

	"fieldcase/rules"
)

// Role is what a user may do on the device.
type Role string

const (
	RoleOfficer    Role = "officer"    // 承办人（执法队员）
	RoleSupervisor Role = "supervisor" // 审核人
	RoleLegal      Role = "legal"      // 法制审核员
	RoleHead       Role = "head"       // 负责人
)

// Roles lists the roles in the order of the review chain.
var Roles = []Role{RoleOfficer, RoleSupervisor, RoleLegal, RoleHead}

// Label is the role in Chinese.
func (r Role) Label() string {
	switch r {
	case RoleOfficer:
		return "执法队员"
	case RoleSupervisor:
		return "审核人"
	case RoleLegal:
		return "法制审核员"
	case RoleHead:
		return "负责人"
	}
	return string(r)
}

// User is a person signed in on this device: an officer or a reviewer.
type User struct {
	ID        string    `json:"id"`   // 执法人员编号, unique on the device
	Name      string    `json:"name"` // 姓名
	Cert      string    `json:"cert"` // 执法证号
	Role      Role      `json:"role"`
	CreatedAt time.Time `json:"created_at"`
}

// Actor is the user as recorded on events.
func (u User) Actor() Actor { return Actor{ID: u.ID, Name: u.Name, Cert: u.Cert, Role: u.Role} }

// Officer is one of the (at least two, Art. 42) officers on a case.
type Officer struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name"`
	Cert string `json:"cert"` // 执法证号: free text, agency formats differ
}

// PartyKind says whether the party is a natural person or an organisation.
type PartyKind string

const (
	PartyPerson PartyKind = "person" // 公民
	PartyOrg    PartyKind = "org"    // 法人或者其他组织
)

// ID document types for a person. Only the resident ID is checksummed.
const (
	IDResident         = "resident"          // 居民身份证（含港澳台居民居住证）
	IDPassport         = "passport"          // 护照
	IDHKMacaoPermit    = "hk_macao_permit"   // 港澳居民来往内地通行证
	IDTaiwanPermit     = "taiwan_permit"     // 台湾居民来往大陆通行证
	IDForeignPermanent = "foreign_permanent" // 外国人永久居留身份证
)

// IDTypeLabel is a document type in Chinese.
func IDTypeLabel(t string) string {
	switch t {
	case IDResident, "":
		return "居民身份证"
	case IDPassport:
		return "护照"
	case IDHKMacaoPermit:
		return "港澳居民来往内地通行证"
	case IDTaiwanPermit:
		return "台湾居民来往大陆通行证"
	case IDForeignPermanent:
		return "外国人永久居留身份证"
	}
	return t
}

// Party is the 当事人: a person or an organisation.
type Party struct {
	Kind     PartyKind `json:"kind"`
	Name     string    `json:"name"`
	IDType   string    `json:"id_type,omitempty"`   // person: document type (default resident)
	IDNumber string    `json:"id_number,omitempty"` // person: document number
	Phone    string    `json:"phone,omitempty"`
	Address  string    `json:"address,omitempty"`
	USCC     string    `json:"uscc,omitempty"`      // org: 统一社会信用代码
	LegalRep string    `json:"legal_rep,omitempty"` // org: 法定代表人或负责人
	// USCCOverride is the officer's reason for keeping a credit code that
	// fails the GB 32100 checksum (early pilot codes do).
	USCCOverride string `json:"uscc_override_reason,omitempty"`
}

// Key identifies the party across cases and devices: the document type and
// number for a person, the credit code for an organisation.
func (p Party) Key() string {
	if p.Kind == PartyOrg {
		if p.USCC == "" {
			return ""
		}
		return "O:" + p.USCC
	}
	if p.IDNumber == "" {
		return ""
	}
	t := p.IDType
	if t == "" {
		t = IDResident
	}
	return "P:" + t + ":" + p.IDNumber
}

// Place is where the act happened.
type Place struct {
	Text string   `json:"text"`
	Lat  *float64 `json:"latitude,omitempty"`
	Lng  *float64 `json:"longitude,omitempty"`
}

// Evidence kinds of 行政处罚法 Art. 46.
var EvidenceKinds = []struct{ Code, Label string }{
	{"documentary", "书证"},
	{"physical", "物证"},
	{"audiovisual", "视听资料"},
	{"electronic", "电子数据"},
	{"witness", "证人证言"},
	{"statement", "当事人的陈述"},
	{"expert", "鉴定意见"},
	{"inspection", "勘验笔录"},
	{"onsite", "现场笔录"},
}

// EvidenceKindLabel is an Art. 46 kind in Chinese.
func EvidenceKindLabel(code string) string {
	for _, k := range EvidenceKinds {
		if k.Code == code {
			return k.Label
		}
	}
	return code
}

// Evidence is one file attached to a case, identified by its content hash.
type Evidence struct {
	Path       string    `json:"path"`
	Kind       string    `json:"kind"`
	SHA256     string    `json:"sha256"`
	Size       int64     `json:"size"`
	CapturedAt time.Time `json:"captured_at"`
	Note       string    `json:"note,omitempty"`
}

// Harm levels (危害后果).
const (
	HarmNone    = "none"    // 没有造成危害后果
	HarmMinor   = "minor"   // 危害后果轻微
	HarmSerious = "serious" // 危害后果较重
)

// Circumstances are the facts the rules engine weighs; names follow rules.Facts.
type Circumstances struct {
	Minor           bool     `json:"minor"`            // 违法行为轻微
	Corrected       bool     `json:"corrected"`        // 及时改正
	Harm            string   `json:"harm"`             // none | minor | serious
	NoFaultProven   bool     `json:"no_fault_proven"`  // 有证据足以证明没有主观过错
	EndangersSafety bool     `json:"endangers_safety"` // 涉及生命健康安全、金融安全
	Age             *int     `json:"age,omitempty"`    // 行为时年龄；缺省时由身份证号的出生日期按规则集计算
	Act             string   `json:"act,omitempty"`    // 事项所列的具体行为（如 CG05 的 underpass），只引用该行为的条款
	Capacity        string   `json:"capacity,omitempty"`
	FirstOffence    *bool    `json:"first_offence,omitempty"` // 缺省时由既往案件推算
	Mitigating      []string `json:"mitigating,omitempty"`
	ProposedFine    *float64 `json:"proposed_fine,omitempty"`
}

// Content is everything an officer records about a case: the part that is
// edited while the case is a draft or returned.
type Content struct {
	Violation     string        `json:"violation"`
	Party         Party         `json:"party"`
	Place         Place         `json:"place"`
	OccurredAt    time.Time     `json:"occurred_at"`
	EndedAt       *time.Time    `json:"ended_at,omitempty"`
	DiscoveredAt  time.Time     `json:"discovered_at"`
	Facts         string        `json:"facts"`
	Circumstances Circumstances `json:"circumstances"`
	Evidence      []Evidence    `json:"evidence,omitempty"`
	Officers      []Officer     `json:"officers"`
}

// PriorCase is an earlier case of the same party found for the first-violation check.
type PriorCase struct {
	CaseID     string    `json:"case_id,omitempty"`
	Violation  string    `json:"violation"`
	OccurredAt time.Time `json:"occurred_at"`
	Source     string    `json:"source"` // "local" or "hq" (synced party index)
}

// FirstOffenceBasis records how "first violation" was judged, so that a
// supervisor can tell a confirmed judgement from a guess made offline.
type FirstOffenceBasis struct {
	Given       bool        `json:"given"` // the officer stated it instead of deriving it
	Priors      []PriorCase `json:"priors,omitempty"`
	IndexAsOf   *time.Time  `json:"index_as_of,omitempty"` // last sync of the party index
	NeverSynced bool        `json:"never_synced"`
}

// Suggestion is the rules engine's answer, kept on the case as it was given.
type Suggestion struct {
	Decision     rules.Decision    `json:"decision"`
	FirstOffence FirstOffenceBasis `json:"first_offence"`
	MadeAt       time.Time         `json:"made_at"`
}

// Choice is what the officer decided. Follow means the suggestion stands;
// otherwise Outcome and Reason say how and why the officer departs from it.
type Choice struct {
	Follow  bool     `json:"follow"`
	Outcome string   `json:"outcome,omitempty"`
	Fine    *float64 `json:"fine,omitempty"`
	Reason  string   `json:"reason,omitempty"`
}

// Case is the projection of a case's events: its current state.
type Case struct {
	ID            string      `json:"id"`
	Status        Status      `json:"status"`
	Content       Content     `json:"content"`
	Suggestion    *Suggestion `json:"suggestion,omitempty"`
	Choice        *Choice     `json:"choice,omitempty"`
	ReviewComment string      `json:"review_comment,omitempty"`
	ReviewedBy    *Actor      `json:"reviewed_by,omitempty"`
	Review        Review      `json:"review,omitzero"` // the review chain's record (review.go)
	CreatedAt     time.Time   `json:"created_at"`
	CreatedBy     Actor       `json:"created_by"`
	SubmittedAt   *time.Time  `json:"submitted_at,omitempty"`
	UpdatedAt     time.Time   `json:"updated_at"`
	Device        string      `json:"device"`
	Events        uint64      `json:"events"` // number of events in the log
	Head          string      `json:"head"`   // hash of the last event

	Documents []IssuedDocument `json:"documents,omitempty"` // documents issued, with their numbers
	// Proceedings are the procedure's steps after the notice (procedure.go).
	Proceedings Proceedings      `json:"proceedings,omitzero"`
	Disclosure  *DisclosureState `json:"disclosure,omitempty"` // 公示: published or withheld

	Void  *Remark `json:"void,omitempty"`         // why the draft was voided (officeracts.go)
	Reply *Remark `json:"return_reply,omitempty"` // the officer's answer to a return
}
