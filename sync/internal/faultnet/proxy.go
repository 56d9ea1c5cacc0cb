// Package faultnet is the tests' unreliable network: a TCP proxy on
// loopback that, connection by connection and driven by a seed, cuts the
// request part-way, cuts the response part-way (after HQ has committed: the
// lost acknowledgement), delays, or sends every request a second time on
// another connection (a retry racing its original). It forwards only to the
// loopback target it was given.
package faultnet

import (
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// Faults are the chances, per connection, of each fault.
type Faults struct {
	CutRequest  float64
	CutResponse float64
	Delay       float64
	Duplicate   float64
	MaxDelay    time.Duration
}

// Stats counts the connections and the faults injected.
type Stats struct {
	Conns, CutRequests, CutResponses, Delays, Duplicates int64
}

// Proxy forwards loopback connections to a loopback target, with faults.
type Proxy struct {
	ln     net.Listener
	target string

	mu     sync.Mutex
	rng    *rand.Rand
	faults Faults

	conns, cutReq, cutResp, delays, dups atomic.Int64
	wg                                   sync.WaitGroup
	closed                               atomic.Bool
	open                                 sync.Map // net.Conn → struct{}
}

// Start listens on a free loopback port and forwards to target.
func Start(target string, seed uint64, f Faults) (*Proxy, error) {
	host, _, err := net.SplitHostPort(target)
	if err != nil {
		return nil, err
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return nil, errors.New("faultnet forwards to loopback targets only")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &Proxy{ln: ln, target: target, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), faults: f}
	p.wg.Add(1)
	go p.serve()
	return p, nil
}

// URL is the proxy's address as an http URL.
func (p *Proxy) URL() string { return "http://" + p.ln.Addr().String() }

// SetFaults changes the faults for new connections.
func (p *Proxy) SetFaults(f Faults) {
	p.mu.Lock()
	p.faults = f
	p.mu.Unlock()
}

// Stats returns the counts so far.
func (p *Proxy) Stats() Stats {
	return Stats{p.conns.Load(), p.cutReq.Load(), p.cutResp.Load(), p.delays.Load(), p.dups.Load()}
}

// Close stops the proxy and cuts every connection.
func (p *Proxy) Close() {
	p.closed.Store(true)
	p.ln.Close()
	p.open.Range(func(k, _ any) bool { k.(net.Conn).Close(); return true })
	p.wg.Wait()
}

type plan struct {
	cutReq, cutResp int64 // bytes to pass before cutting, -1: never
	delay           time.Duration
	dup             bool
}

func (p *Proxy) plan() plan {
	p.mu.Lock()
	defer p.mu.Unlock()
	f := p.faults
	pl := plan{cutReq: -1, cutResp: -1}
	switch x := p.rng.Float64(); {
	case x < f.CutRequest:
		pl.cutReq = 1 + p.rng.Int64N(2048)
		p.cutReq.Add(1)
	case x < f.CutRequest+f.CutResponse:
		pl.cutResp = 1 + p.rng.Int64N(2048)
		p.cutResp.Add(1)
	case x < f.CutRequest+f.CutResponse+f.Delay && f.MaxDelay > 0:
		pl.delay = time.Duration(p.rng.Int64N(int64(f.MaxDelay)))
		p.delays.Add(1)
	case x < f.CutRequest+f.CutResponse+f.Delay+f.Duplicate:
		pl.dup = true
		p.dups.Add(1)
	}
	return pl
}

func (p *Proxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.conns.Add(1)
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			p.handle(c, p.plan())
		}()
	}
}

func (p *Proxy) track(c net.Conn) func() {
	p.open.Store(c, struct{}{})
	return func() { p.open.Delete(c); c.Close() }
}

func (p *Proxy) handle(client net.Conn, pl plan) {
	defer p.track(client)()
	up, err := net.DialTimeout("tcp", p.target, 5*time.Second)
	if err != nil {
		return
	}
	defer p.track(up)()
	var mirror net.Conn
	if pl.dup {
		if mirror, err = net.DialTimeout("tcp", p.target, 5*time.Second); err == nil {
			defer p.track(mirror)()
			p.wg.Add(1)
			go func() { defer p.wg.Done(); io.Copy(io.Discard, mirror) }()
		}
	}
	if pl.delay > 0 {
		time.Sleep(pl.delay)
	}
	done := make(chan struct{}, 2)
	go func() {
		copyLimited(up, client, pl.cutReq, mirror)
		done <- struct{}{}
	}()
	go func() {
		copyLimited(client, up, pl.cutResp, nil)
		done <- struct{}{}
	}()
	<-done // the first direction to end ends the connection
}

// copyLimited copies src to dst (and to tee), cutting after limit bytes
// when limit >= 0.
func copyLimited(dst, src net.Conn, limit int64, tee net.Conn) {
	buf := make([]byte, 32<<10)
	var n int64
	for {
		k, err := src.Read(buf)
		if k > 0 {
			chunk := buf[:k]
			if limit >= 0 && n+int64(k) > limit {
				chunk = buf[:limit-n]
			}
			if tee != nil {
				tee.Write(chunk)
			}
			if _, werr := dst.Write(chunk); werr != nil {
				return
			}
			n += int64(len(chunk))
			if limit >= 0 && n >= limit {
				return
			}
		}
		if err != nil {
			return
		}
	}
}
