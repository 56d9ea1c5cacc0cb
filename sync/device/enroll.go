package device

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"time"

	"fieldcase/cases"
	"fieldcase/cases/store"
	"fieldcase/sync/proto"
)

// EnrollOptions tune Enroll.
type EnrollOptions struct {
	// CA is HQ's CA certificate (PEM), when the code carries no pin.
	CA        []byte
	Transport http.RoundTripper
	Timeout   time.Duration
}

// Enroll registers the device with the HQ at rawURL using a one-time code
// from `fieldcase hq enroll`. Over https the HQ's CA is pinned: the code
// carries its fingerprint (or opt.CA gives it), and the device keeps the
// CA to trust nothing else for this HQ. The device's secret is saved before
// it is sent, so a retry after a lost answer uses the same one.
func Enroll(ctx context.Context, st *store.Store, rawURL, code string, opt EnrollOptions) (*store.Enrolment, error) {
	u, err := checkURL(rawURL)
	if err != nil {
		return nil, err
	}
	secret, pin, err := proto.SplitCode(code)
	if err != nil {
		return nil, err
	}
	if opt.Timeout <= 0 {
		opt.Timeout = 60 * time.Second
	}
	prev, err := st.Enrolment()
	if err != nil {
		return nil, err
	}
	if prev != nil && prev.Name != "" {
		return nil, fmt.Errorf("本设备已在 HQ（%s）注册为「%s」。如需改到别的 HQ，请使用新的数据目录", prev.URL, prev.Name)
	}
	enr := store.Enrolment{URL: u.String()}
	if prev != nil && prev.URL == enr.URL && prev.Token != "" {
		enr.Token = prev.Token
	} else {
		var b [32]byte
		if _, err := rand.Read(b[:]); err != nil {
			return nil, err
		}
		enr.Token = base64.RawURLEncoding.EncodeToString(b[:])
	}
	var tlsConf *tls.Config
	caPEM := func() []byte { return nil }
	if u.Scheme == "https" {
		if tlsConf, caPEM, err = enrolTLS(u.Hostname(), pin, opt.CA); err != nil {
			return nil, err
		}
	}
	if err := st.SetEnrolment(enr); err != nil {
		return nil, err
	}
	users, err := st.Users()
	if err != nil {
		return nil, err
	}
	host, _ := os.Hostname()
	body, _ := json.Marshal(proto.EnrollRequest{V: proto.ProtocolVersion, Code: secret, Device: st.DeviceID(), Token: enr.Token, Host: host, Users: users,
		SignKey: proto.EncodeSignKey(st.SigningPublicKey())})
	tr := opt.Transport
	if tr == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.TLSClientConfig, t.Proxy = tlsConf, nil
		tr = t
	}
	hc := &http.Client{Transport: tr, Timeout: opt.Timeout}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, enr.URL+proto.PathEnroll, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("无法连接 HQ：%w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		data, _ := io.ReadAll(io.LimitReader(resp.Body, proto.MaxSmallBody))
		if e, ok := proto.DecodeErrorResponse(data); ok {
			return nil, &HTTPError{Status: resp.StatusCode, Code: e.Code, Msg: e.Error}
		}
		return nil, fmt.Errorf("HQ 返回 %s：这个地址可能不是 fieldcase HQ", resp.Status)
	}
	var er proto.EnrollResponse
	if err := proto.DecodeJSON(resp.Body, proto.MaxSmallBody, &er); err != nil {
		return nil, fmt.Errorf("HQ 的回答无法读取：%w", err)
	}
	if er.V != proto.ProtocolVersion || er.Device != st.DeviceID() || !proto.IsUUID(er.Epoch) {
		return nil, errors.New("HQ 的回答不符合协议")
	}
	enr.Name, enr.CA, enr.EnrolledAt = cases.CleanLine(er.Name), caPEM(), time.Now()
	if err := st.SetEnrolment(enr); err != nil {
		return nil, err
	}
	return &enr, nil
}

// enrolTLS pins HQ's CA for the enrolment connection: the CA given, or the
// certificate in HQ's chain whose fingerprint matches the code's pin. The
// server's certificate must then verify against that CA for the host. The
// returned function gives the pinned CA as PEM once the handshake has run.
func enrolTLS(host, pin string, caPEM []byte) (*tls.Config, func() []byte, error) {
	if caPEM != nil {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(caPEM) {
			return nil, nil, errors.New("CA 证书文件无法解析（应为 PEM 格式）")
		}
		return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, func() []byte { return caPEM }, nil
	}
	if pin == "" {
		return nil, nil, errors.New("注册码不含 HQ 的证书指纹。请让 HQ 管理员在 HQ 以 --tls-cert 启动后重新生成注册码，或用 --ca 指定 HQ 的 CA 证书文件")
	}
	var mu sync.Mutex
	var pinned []byte
	conf := &tls.Config{
		MinVersion:         tls.VersionTLS12,
		InsecureSkipVerify: true, // replaced by VerifyPeerCertificate below: the pin, then the chain
		VerifyPeerCertificate: func(raw [][]byte, _ [][]*x509.Certificate) error {
			var ca *x509.Certificate
			for _, der := range raw {
				if proto.PinOf(der) == pin {
					cert, err := x509.ParseCertificate(der)
					if err != nil {
						return err
					}
					ca = cert
				}
			}
			if ca == nil || len(raw) == 0 {
				return errors.New("HQ 的证书与注册码中的指纹不符：可能连到了假冒的服务器，注册已中止")
			}
			leaf, err := x509.ParseCertificate(raw[0])
			if err != nil {
				return err
			}
			roots := x509.NewCertPool()
			roots.AddCert(ca)
			inter := x509.NewCertPool()
			for _, der := range raw[1:] {
				if c, err := x509.ParseCertificate(der); err == nil {
					inter.AddCert(c)
				}
			}
			if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, DNSName: host}); err != nil {
				return fmt.Errorf("HQ 的证书未通过校验：%v", err)
			}
			mu.Lock()
			pinned = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Raw})
			mu.Unlock()
			return nil
		},
	}
	return conf, func() []byte {
		mu.Lock()
		defer mu.Unlock()
		return pinned
	}, nil
}
