package reference

import (
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/shardkv"
)

// New returns the implementation with bugs switched on.
func New(b Bugs) shardkv.Impl {
	return shardkv.Impl{
		NewController: func(id node.ID, cfg shardkv.ControllerConfig) shardkv.Server { return NewController(id, cfg, b) },
		NewServer:     func(id node.ID, cfg shardkv.ServerConfig) shardkv.Server { return NewServer(id, cfg, b) },
		NewClerk: func(id node.ID, controllers []node.ID, done shardkv.Done) shardkv.Clerk {
			return NewClerk(id, controllers, done)
		},
	}
}
