package reference

import (
	"github.com/faultline-dev/faultline/labs/kvraft"
	"github.com/faultline-dev/faultline/labs/node"
)

// New returns the implementation with bugs switched on.
func New(b Bugs) kvraft.Impl {
	return kvraft.Impl{
		NewServer: func(id node.ID, cfg kvraft.ServerConfig) kvraft.Server { return NewServer(id, cfg, b) },
		NewClerk: func(id node.ID, servers []node.ID, done kvraft.Done) kvraft.Clerk {
			return NewClerk(id, servers, done, b)
		},
	}
}

// NewClerkTiming returns the reference with its clerks timed as d: a
// design the task admits, for calibrating the suite's bounds.
func NewClerkTiming(d ClerkTiming) kvraft.Impl {
	return kvraft.Impl{
		NewServer: func(id node.ID, cfg kvraft.ServerConfig) kvraft.Server { return NewServer(id, cfg, Bugs{}) },
		NewClerk: func(id node.ID, servers []node.ID, done kvraft.Done) kvraft.Clerk {
			return NewTimedClerk(id, servers, done, Bugs{}, d)
		},
	}
}
