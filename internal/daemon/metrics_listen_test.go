package daemon

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"testing"
)

// signalHandler is a slog.Handler that sends each record's message on ch.
type signalHandler struct{ ch chan string }

func (h signalHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h signalHandler) Handle(_ context.Context, r slog.Record) error {
	select {
	case h.ch <- r.Message:
	default:
	}
	return nil
}
func (h signalHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h signalHandler) WithGroup(string) slog.Handler      { return h }

// TestListenAndServeMetrics: a daemon with metrics_listen on a fixed port
// starts (it once opened the metrics listener twice and failed with
// "address already in use") and serves until stopped.
func TestListenAndServeMetrics(t *testing.T) {
	free := func() string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		return ln.Addr().String()
	}
	text := fmt.Sprintf("listen = [%q]\nmetrics_listen = %q\n[module.m]\npath = %q\n", free(), free(), t.TempDir())
	cfg, err := ParseConfig([]byte(text), filepath.Join(t.TempDir(), "ferryd.toml"))
	if err != nil {
		t.Fatal(err)
	}
	logs := signalHandler{ch: make(chan string, 16)}
	srv, err := NewServer(cfg, Options{Handler: lineHandler, Logger: slog.New(logs)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- srv.ListenAndServe(ctx) }()
	for {
		select {
		case err := <-done:
			cancel()
			t.Fatalf("ListenAndServe ended before serving: %v", err)
		case msg := <-logs.ch:
			if msg != "listening" {
				continue
			}
			cancel()
			if err := <-done; err != nil {
				t.Fatalf("ListenAndServe: %v", err)
			}
			return
		}
	}
}
