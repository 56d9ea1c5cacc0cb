package hq

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"fieldcase/sync/proto"
)

// ServeConfig is how `fieldcase hq serve` runs HQ.
type ServeConfig struct {
	Addr    string // host:port of the device API
	TLSCert string // PEM files; without them only a loopback address is allowed
	TLSKey  string
	// AdminDir, when set, is the bbolt data directory: HQ then also serves
	// the admin API on a random loopback port and writes its address and a
	// fresh token to AdminDir/hq-admin.json (0600), so that the admin
	// commands reach the running HQ while it holds the file lock.
	AdminDir string
	Options  ServerOptions
	// Ready is called once the listeners are open.
	Ready func(url string)
}

// Serve runs HQ until ctx ends, then shuts down gracefully.
func Serve(ctx context.Context, h *HQ, cfg ServeConfig) error {
	host, _, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return fmt.Errorf("监听地址 %q 无效（例：127.0.0.1:8740）：%v", cfg.Addr, err)
	}
	var tlsConf *tls.Config
	switch {
	case cfg.TLSCert != "" || cfg.TLSKey != "":
		if cfg.TLSCert == "" || cfg.TLSKey == "" {
			return errors.New("--tls-cert 与 --tls-key 须同时给出")
		}
		cert, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
		if err != nil {
			return fmt.Errorf("无法载入 TLS 证书：%w", err)
		}
		// The last certificate of the chain is the CA devices pin (a
		// self-signed server certificate is its own CA).
		if err := h.SetTLS(ctx, cert.Certificate[len(cert.Certificate)-1]); err != nil {
			return err
		}
		tlsConf = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	case !proto.Loopback(host):
		return fmt.Errorf("不加密的 HTTP 只能监听本机回环地址（127.0.0.1）；要让设备从网络连接，请用 --tls-cert 与 --tls-key 启用 TLS")
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("无法监听 %s：%w", cfg.Addr, err)
	}
	srv := NewServer(h, cfg.Options)
	errLog := slog.NewLogLogger(srv.log.Handler(), slog.LevelWarn)
	api := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 5 * time.Minute,
		WriteTimeout: 5 * time.Minute, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10, ErrorLog: errLog}
	scheme := "http"
	if tlsConf != nil {
		ln = tls.NewListener(ln, tlsConf)
		scheme = "https"
	}
	servers := []*http.Server{api}
	errs := make(chan error, 2)
	go func() { errs <- api.Serve(ln) }()
	if cfg.AdminDir != "" {
		var b [32]byte
		if _, err := rand.Read(b[:]); err != nil {
			return err
		}
		token := base64.RawURLEncoding.EncodeToString(b[:])
		aln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			api.Close()
			return fmt.Errorf("无法打开管理接口：%w", err)
		}
		admin := &http.Server{Handler: srv.AdminHandler(token), ReadHeaderTimeout: 10 * time.Second, ErrorLog: errLog}
		servers = append(servers, admin)
		go func() { errs <- admin.Serve(aln) }()
		if err := WriteAdminFile(cfg.AdminDir, AdminFile{URL: "http://" + aln.Addr().String(), Token: token, PID: os.Getpid()}); err != nil {
			api.Close()
			admin.Close()
			return fmt.Errorf("无法写入管理接口文件：%w", err)
		}
		defer RemoveAdminFile(cfg.AdminDir, token)
	}
	if cfg.Ready != nil {
		cfg.Ready(scheme + "://" + ln.Addr().String())
	}
	select {
	case err := <-errs:
		for _, s := range servers {
			s.Close()
		}
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, s := range servers {
		s.Shutdown(sctx)
	}
	return nil
}
