//go:build linux
// +build linux

package plusbuild
