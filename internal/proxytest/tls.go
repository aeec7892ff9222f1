package proxytest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

// CA is a certificate authority made for one test, with a server certificate for
// 127.0.0.1 and a client certificate it signed, all also written as PEM files.
type CA struct {
	pool                      *x509.CertPool
	server                    tls.Certificate
	CertFile                  string // the authority, for cacert_file
	ClientCert, ClientKey     string // the client certificate and key, for cert and key
	OtherClientCert, OtherKey string // a client certificate from another authority
}

// NewCA generates the authority and its certificates in t's temporary directory.
func NewCA(t testing.TB) *CA {
	t.Helper()
	dir := t.TempDir()
	caKey, caCert, caDER := selfSigned(t, "proxytest CA")
	ca := &CA{pool: x509.NewCertPool(), CertFile: filepath.Join(dir, "ca.pem")}
	ca.pool.AddCert(caCert)
	writePEM(t, ca.CertFile, "CERTIFICATE", caDER)

	serverKey, serverDER := issue(t, caCert, caKey, &x509.Certificate{
		Subject: pkix.Name{CommonName: "127.0.0.1"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	})
	ca.server = tls.Certificate{Certificate: [][]byte{serverDER}, PrivateKey: serverKey}

	clientKey, clientDER := issue(t, caCert, caKey, &x509.Certificate{
		Subject: pkix.Name{CommonName: "terraform"}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	})
	ca.ClientCert, ca.ClientKey = filepath.Join(dir, "client.pem"), filepath.Join(dir, "client-key.pem")
	writePEM(t, ca.ClientCert, "CERTIFICATE", clientDER)
	writeKey(t, ca.ClientKey, clientKey)

	otherKey, otherCert, _ := selfSigned(t, "another CA")
	strangerKey, strangerDER := issue(t, otherCert, otherKey, &x509.Certificate{
		Subject: pkix.Name{CommonName: "stranger"}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	})
	ca.OtherClientCert, ca.OtherKey = filepath.Join(dir, "other.pem"), filepath.Join(dir, "other-key.pem")
	writePEM(t, ca.OtherClientCert, "CERTIFICATE", strangerDER)
	writeKey(t, ca.OtherKey, strangerKey)
	return ca
}

// ServerTLS is the proxy's TLS configuration; requireClient demands a client certificate
// signed by this authority.
func (ca *CA) ServerTLS(requireClient bool) *tls.Config {
	c := &tls.Config{Certificates: []tls.Certificate{ca.server}, MinVersion: tls.VersionTLS12}
	if requireClient {
		c.ClientAuth, c.ClientCAs = tls.RequireAndVerifyClientCert, ca.pool
	}
	return c
}

var serial atomic.Int64

func template(tmpl *x509.Certificate) *x509.Certificate {
	tmpl.SerialNumber = big.NewInt(time.Now().UnixNano() + serial.Add(1))
	tmpl.NotBefore, tmpl.NotAfter = time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
	return tmpl
}

func selfSigned(t testing.TB, name string) (*ecdsa.PrivateKey, *x509.Certificate, []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := template(
		&x509.Certificate{
			Subject:               pkix.Name{CommonName: name},
			IsCA:                  true,
			BasicConstraintsValid: true,
			KeyUsage:              x509.KeyUsageCertSign,
		},
	)
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return key, cert, der
}

func issue(
	t testing.TB,
	parent *x509.Certificate,
	parentKey *ecdsa.PrivateKey,
	tmpl *x509.Certificate,
) (*ecdsa.PrivateKey, []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl.KeyUsage = x509.KeyUsageDigitalSignature
	der, err := x509.CreateCertificate(rand.Reader, template(tmpl), parent, &key.PublicKey, parentKey)
	if err != nil {
		t.Fatal(err)
	}
	return key, der
}

func writePEM(t testing.TB, path, kind string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

func writeKey(t testing.TB, path string, key *ecdsa.PrivateKey) {
	t.Helper()
	der, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	writePEM(t, path, "EC PRIVATE KEY", der)
}
