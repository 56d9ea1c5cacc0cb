package proto

import (
	"encoding/json"
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"fieldcase/cases"
)

// ParsedEvent is an event read in one pass over its bytes (ReadEvent): the
// event, whose Payload shares the bytes it was read from (they are kept as
// received, for storage and hashing, and must not be changed), and what
// the pass learnt of the payload, so that Check need not read it again.
type ParsedEvent struct {
	cases.Event
	facts payloadFacts
	// traces are where the payload holds a decision's rule trace
	// (suggestion.decision.trace, keys matched as encoding/json matches
	// them), as [start, end) offsets in Payload.
	traces [][2]int
}

// WithoutTrace is the payload with every rule trace of a decision
// (suggestion.decision.trace) replaced by null: what HQ decodes to apply
// the event. The trace explains a suggestion to people and is never
// decoded at HQ (cases.Prepare keeps it as raw JSON and drops it), so the
// decode gives the same result without reading it. The event's own bytes
// keep the trace.
func (p *ParsedEvent) WithoutTrace() []byte {
	if len(p.traces) == 0 {
		return p.Payload
	}
	out := make([]byte, 0, len(p.Payload))
	at := 0
	for _, t := range p.traces {
		out = append(append(out, p.Payload[at:t[0]]...), "null"...)
		at = t[1]
	}
	return append(out, p.Payload[at:]...)
}

// Keys on the way from a decision's payload to its rule trace.
var (
	suggestionField = []string{"suggestion"}
	decisionField   = []string{"decision"}
	traceField      = []string{"trace"}
)

// payload reads the payload value, noting where its rule traces are.
func (s *scanner) payload(p *ParsedEvent, f *payloadFacts) error {
	start := s.i
	p.traces = p.traces[:0]
	// into reads an object whose members under key go to then, the rest
	// read plainly.
	into := func(key []string, then func() error) func(lit []byte, esc, special bool) error {
		return func(lit []byte, esc, special bool) error {
			if s.i < len(s.b) && s.b[s.i] == '{' && fieldOf(lit, esc, special, key) == 0 {
				return then()
			}
			return s.value(f)
		}
	}
	trace := func(lit []byte, esc, special bool) error {
		if fieldOf(lit, esc, special, traceField) != 0 {
			return s.value(f)
		}
		from := s.i
		err := s.value(f)
		p.traces = append(p.traces, [2]int{from - start, s.i - start})
		return err
	}
	decision := func() error { return s.object(f, trace) }
	suggestion := func() error { return s.object(f, into(decisionField, decision)) }
	if s.i < len(s.b) && s.b[s.i] == '{' {
		return s.object(f, into(suggestionField, suggestion))
	}
	return s.value(f)
}

// Field names of an event and of its actor, as encoding/json knows them.
var (
	eventFields = []string{"id", "case_id", "index", "device", "seq", "actor", "at", "kind", "payload", "prev", "hash", "sig"}
	actorFields = []string{"id", "name", "cert", "role"}
)

// ReadEvent reads one event and checks that it is intact, as ParseEvent
// does, in one pass over raw.
func ReadEvent(raw []byte) (ParsedEvent, error) { return readEventAt(raw, 0) }

// readEventAt is ReadEvent for an event nested depth deep in a body, so
// that the nesting limit counts from the body's root.
func readEventAt(raw []byte, depth int) (ParsedEvent, error) {
	var p ParsedEvent
	if err := p.read(raw, depth); err != nil {
		return p, err
	}
	e := &p.Event
	switch {
	case !IsUUID(e.ID):
		return p, NewDecodeError("事件编号格式不对")
	case !IsUUID(e.CaseID):
		return p, NewDecodeError("案件编号格式不对")
	case !IsUUID(e.Device):
		return p, NewDecodeError("设备编号格式不对")
	case e.Index == 0 || e.Seq == 0:
		return p, NewDecodeError("事件序号缺失")
	case e.Index > math.MaxInt64 || e.Seq > math.MaxInt64:
		return p, NewDecodeError("事件序号过大")
	case e.Prev != "" && !IsSHA256(e.Prev), !IsSHA256(e.Hash):
		return p, NewDecodeError("事件哈希格式不对")
	}
	if e.ComputeHash() != e.Hash {
		return p, NewDecodeError("事件内容与其哈希不符")
	}
	return p, nil
}

// read decodes raw into p as encoding/json would decode it into a
// cases.Event (see scan.go). A syntax error leaves p empty, as
// encoding/json left it; a type error keeps what was read.
func (p *ParsedEvent) read(raw []byte, depth int) error {
	s := &scanner{b: raw, depth: depth}
	err := s.event(p)
	if err == errStop {
		// encoding/json checks the whole value before it decodes any of
		// it: a syntax error after the field that stopped the decode is
		// the error.
		c := &scanner{b: raw, depth: depth}
		if serr := c.value(nil); serr != nil {
			*p = ParsedEvent{}
			return serr
		} else if serr := c.end(); serr != nil {
			*p = ParsedEvent{}
			return serr
		}
		return s.err
	}
	if err == nil {
		err = s.end()
	}
	if err != nil {
		*p = ParsedEvent{}
		return err
	}
	return s.err
}

func (s *scanner) event(p *ParsedEvent) error {
	e := &p.Event
	if open, err := s.opens('{', "event"); !open {
		return err
	}
	return s.object(nil, func(lit []byte, esc, special bool) error {
		switch fieldOf(lit, esc, special, eventFields) {
		case 0:
			return s.stringField(&e.ID, "id")
		case 1:
			return s.stringField(&e.CaseID, "case_id")
		case 2:
			return s.uintField(&e.Index, "index")
		case 3:
			return s.stringField(&e.Device, "device")
		case 4:
			return s.uintField(&e.Seq, "seq")
		case 5:
			return s.actor(&e.Actor)
		case 6:
			v, err := s.valueLit(nil)
			if err != nil {
				return err
			}
			// time.Time decodes itself from the value's bytes, whatever
			// they are; its refusal ends the decode, as in encoding/json.
			if err := e.At.UnmarshalJSON(v); err != nil {
				s.err = NewDecodeError("JSON 格式错误：字段 at：%v", err)
				return errStop
			}
			return nil
		case 7:
			k := string(e.Kind)
			err := s.stringField(&k, "kind")
			e.Kind = cases.EventKind(k)
			return err
		case 8:
			// json.RawMessage takes the value's bytes, null included.
			f := payloadFacts{compact: true, safe: true}
			start := s.i
			err := s.payload(p, &f)
			e.Payload, p.facts = s.b[start:s.i], f
			return err
		case 9:
			return s.stringField(&e.Prev, "prev")
		case 10:
			return s.stringField(&e.Hash, "hash")
		case 11:
			return s.stringField(&e.Sig, "sig")
		}
		return s.value(nil)
	})
}

func (s *scanner) actor(a *cases.Actor) error {
	if open, err := s.opens('{', "actor"); !open {
		return err
	}
	return s.object(nil, func(lit []byte, esc, special bool) error {
		switch fieldOf(lit, esc, special, actorFields) {
		case 0:
			return s.stringField(&a.ID, "actor.id")
		case 1:
			return s.stringField(&a.Name, "actor.name")
		case 2:
			return s.stringField(&a.Cert, "actor.cert")
		case 3:
			r := string(a.Role)
			err := s.stringField(&r, "actor.role")
			a.Role = cases.Role(r)
			return err
		}
		return s.value(nil)
	})
}

// Check checks what an intact event says, as CheckEvent does, with what
// ReadEvent learnt of the payload instead of reading it again.
func (p *ParsedEvent) Check() error {
	e := &p.Event
	switch {
	case e.Kind == "" || len(e.Kind) > 64:
		return NewDecodeError("事件类型缺失")
	case e.At.IsZero():
		return NewDecodeError("事件时间缺失")
	case len(e.Payload) == 0:
		return NewDecodeError("事件内容缺失")
	case !p.facts.compact:
		return NewDecodeError("事件内容不是规范的 JSON")
	}
	if err := checkActorText(*e); err != nil {
		return err
	}
	if !p.facts.safe {
		return errUnsafePayload
	}
	return nil
}

// Field names of a push and of its ops, as encoding/json knows them.
var (
	pushFields = []string{"v", "epoch", "users", "sign_key", "ops"}
	opFields   = []string{"seq", "prev_op", "event"}
)

func (s *scanner) push(req *PushRequest) error {
	if open, err := s.opens('{', "push"); !open {
		return err
	}
	// Members it does not read itself — a field added to PushRequest
	// without a case here, or one no version knows — are gathered and
	// handed to encoding/json at the end, so that they decode (or are
	// ignored) as they always did; the keys are not those above, so the
	// order does not matter.
	var rest []byte
	err := s.object(nil, func(lit []byte, esc, special bool) error {
		switch fieldOf(lit, esc, special, pushFields) {
		case 0:
			return s.intField(&req.V, "v")
		case 1:
			return s.stringField(&req.Epoch, "epoch")
		case 2:
			// Users are few and small: encoding/json decodes them into
			// the slice as it stands (a repeated key merges, as it did).
			v, err := s.valueLit(nil)
			if err == nil && json.Unmarshal(v, &req.Users) != nil {
				s.typeErr("users")
			}
			return err
		case 3:
			return s.stringField(&req.SignKey, "sign_key")
		case 4:
			return s.ops(&req.Ops)
		}
		v, err := s.valueLit(nil)
		if err == nil {
			rest = append(append(append(append(rest, ','), lit...), ':'), v...)
		}
		return err
	})
	if err == nil && len(rest) > 0 {
		rest[0] = '{'
		if json.Unmarshal(append(rest, '}'), req) != nil {
			s.typeErr("push")
		}
	}
	return err
}

// ops reads the ops array into the slice as it stands, the way
// encoding/json decodes into a slice: element by element over what is
// there, growing it, and cut to the array's length.
func (s *scanner) ops(dst *[]Op) error {
	switch s.next(nil) {
	case 'n':
		*dst = nil
		_, err := s.literal()
		return err
	case '[':
	default:
		s.typeErr("ops")
		return s.value(nil)
	}
	ops := *dst
	n := 0
	err := s.array(nil, func(i int) error {
		if i >= cap(ops) {
			ops = append(ops[:len(ops):len(ops)], Op{})
		}
		if i >= len(ops) {
			ops = ops[:i+1]
		}
		n = i + 1
		return s.op(&ops[i])
	})
	if err != nil {
		return err
	}
	if n < len(ops) {
		ops = ops[:n]
	}
	if n == 0 {
		ops = []Op{}
	}
	*dst = ops
	return nil
}

func (s *scanner) op(op *Op) error {
	if open, err := s.opens('{', "ops"); !open {
		return err
	}
	return s.object(nil, func(lit []byte, esc, special bool) error {
		switch fieldOf(lit, esc, special, opFields) {
		case 0:
			return s.uintField(&op.Seq, "seq")
		case 1:
			return s.stringField(&op.PrevOp, "prev_op")
		case 2:
			if s.next(nil) != '{' {
				v, err := s.valueLit(nil)
				op.Event = v
				return err
			}
			span := rawSpan{start: s.i, depth: s.depth}
			err := s.skipRaw()
			span.end = s.i
			op.Event = s.b[span.start:span.end]
			s.spans = append(s.spans, span)
			return err
		}
		return s.value(nil)
	})
}

// rawSpan is where the scanner passed over an event unchecked.
type rawSpan struct{ start, end, depth int }

// ReadOp is an op's event as DecodePush read it (ReadEvent).
type ReadOp struct {
	Event ParsedEvent
	Err   error
}

// Read is the i-th op's event as DecodePush read it, or nil if it did not
// (a PushRequest made otherwise).
func (r *PushRequest) Read(i int) *ReadOp {
	if i >= len(r.read) {
		return nil
	}
	return &r.read[i]
}

// decodePush reads a push body in one pass over the push itself, finding
// where each event ends without checking it, and then checks the events:
// each op's is read whole by ReadEvent, over every core, and kept for HQ
// (Read). The body is refused as not JSON exactly where encoding/json
// refused it: an event that is not JSON refuses the push, an event that is
// JSON but not a good event is the push's to settle.
func decodePush(body []byte) (PushRequest, error) {
	var req PushRequest
	s := &scanner{b: body}
	err := s.push(&req)
	if err == nil {
		err = s.end()
	}
	if err == nil {
		err = req.readEvents(s)
	}
	if err != nil {
		return PushRequest{}, err
	}
	return req, s.err
}

// readEvents checks the events the scanner passed over. When they are
// exactly the ops' events (no repeated keys left one behind) each is read
// in parallel; otherwise each is only checked, here.
func (r *PushRequest) readEvents(s *scanner) error {
	own := len(s.spans) == len(r.Ops)
	for i := 0; own && i < len(s.spans); i++ {
		sp, ev := s.spans[i], r.Ops[i].Event
		own = len(ev) > 0 && len(ev) == sp.end-sp.start && &ev[0] == &s.b[sp.start]
	}
	if !own {
		for _, sp := range s.spans {
			c := &scanner{b: s.b[:sp.end], i: sp.start, depth: sp.depth}
			if err := c.value(nil); err != nil {
				return err
			}
			if c.i != sp.end {
				return c.syntax("内容不完整")
			}
		}
		return nil
	}
	r.read = make([]ReadOp, len(r.Ops))
	eachParallel(len(r.Ops), func(i int) {
		r.read[i].Event, r.read[i].Err = readEventAt(r.Ops[i].Event, s.spans[i].depth)
	})
	for i := range r.read {
		if isSyntax(r.read[i].Err) {
			return r.read[i].Err
		}
	}
	return nil
}

// eachParallel calls fn(0..n-1) over every core, each worker (the caller
// among them) taking the next index not yet taken.
func eachParallel(n int, fn func(i int)) {
	var next atomic.Int64
	work := func() {
		for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
			fn(i)
		}
	}
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) - 1 {
		wg.Go(work)
	}
	work()
	wg.Wait()
}
