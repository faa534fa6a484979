package raftlab

import (
	"github.com/faultline-dev/faultline/grader/search/models"
	"github.com/faultline-dev/faultline/grader/suite"
)

// tests is the lab's test table, in the order faultline grade runs and
// lists them; each part's test bodies are in part_a.go .. part_d.go.
var tests = []suite.Test{
	// Part A: 20 points.
	{Name: "InitialElection", Part: "A", Points: 2, Seeds: 30, Limit: 20 * suite.Sec, Run: testInitialElection,
		Description: "three nodes elect one leader and keep it while nothing fails", Lesson: "raft-election#elections"},
	{Name: "ReElection", Part: "A", Points: 2, Seeds: 30, Limit: 40 * suite.Sec, Run: testReElection,
		Description: "a new leader after the leader is cut off; none without a quorum", Lesson: "raft-election#elections"},
	{Name: "NoQuorumNoLeader", Part: "A", Points: 2, Seeds: 30, Limit: 20 * suite.Sec, Run: testNoQuorumNoLeader,
		Description: "two of five nodes cannot elect a leader", Lesson: "raft-election#voting"},
	{Name: "OldLeaderStepsDown", Part: "A", Points: 2, Seeds: 30, Limit: 20 * suite.Sec, Run: testOldLeaderStepsDown,
		Description: "a partitioned leader steps down when it hears a higher term", Lesson: "raft-election#terms"},
	{Name: "ManyElections7", Part: "A", Points: 2, Seeds: 30, Limit: 80 * suite.Sec, Run: testManyElections7,
		Description: "seven nodes keep electing leaders while three at a time are cut off", Lesson: "raft-election#elections"},
	{Name: "StableTerm", Part: "A", Points: 2, Seeds: 30, Limit: 20 * suite.Sec, Run: testStableTerm,
		Description: "the term does not change when nothing fails", Lesson: "raft-election#heartbeats"},
	{Name: "HeartbeatRate", Part: "A", Points: 1, Seeds: 30, Limit: 20 * suite.Sec, Run: testHeartbeatRate,
		Description: "an idle leader sends at most 10 heartbeat rounds a second", Lesson: "raft-election#heartbeats"},
	{Name: "ElectionWithin5s", Part: "A", Points: 2, Seeds: 30, Limit: 60 * suite.Sec, Run: testElectionWithin5s,
		Description: "on a slow network, a stable new leader soon after losing the old one (within the test's calibrated bound)", Lesson: "raft-election#timeouts"},
	{Name: "LateVotes", Part: "A", Points: 1, Seeds: 30, Limit: 20 * suite.Sec, Run: testLateVotes,
		Description: "votes that arrive after their election are not counted in a later one", Lesson: "raft-election#voting"},
	{Name: "ElectionSwarm", Part: "A", Points: 2, Seeds: 30, Limit: 60 * suite.Sec, Run: testElectionSwarm,
		Description: "3 to 7 nodes, long delays, duplication, reordering and overlapping faults drawn per seed; one leader per term throughout", Lesson: "raft-election#elections"},

	// Part B: 35 points.
	{Name: "BasicAgree", Part: "B", Points: 4, Seeds: 30, Limit: 20 * suite.Sec, Run: testBasicAgree,
		Description: "three commands are applied by all nodes at indexes 1, 2, 3", Lesson: "raft-replication#propose"},
	{Name: "NoCommitBeforeStart", Part: "B", Points: 2, Seeds: 30, Limit: 20 * suite.Sec, Run: testNoCommitBeforeStart,
		Description: "nothing is applied before a command is proposed", Lesson: "raft-replication#commit"},
	{Name: "RPCBytes", Part: "B", Points: 2, Seeds: 30, Limit: 30 * suite.Sec, Run: testRPCBytes,
		Description: "each 5 kB command crosses the wire about once per follower", Lesson: "raft-replication#appendentries"},
	{Name: "FollowerFailure", Part: "B", Points: 3, Seeds: 30, Limit: 30 * suite.Sec, Run: testFollowerFailure,
		Description: "agreement despite a lost follower; none with both lost", Lesson: "raft-replication#commit"},
	{Name: "LeaderFailure", Part: "B", Points: 3, Seeds: 30, Limit: 40 * suite.Sec, Run: testLeaderFailure,
		Description: "agreement after the leader is lost; none with one node left", Lesson: "raft-replication#commit"},
	{Name: "FailAgree", Part: "B", Points: 2, Seeds: 30, Limit: 40 * suite.Sec, Run: testFailAgree,
		Description: "a follower that was cut off catches up when it rejoins", Lesson: "raft-replication#catching-up"},
	{Name: "FailNoAgree", Part: "B", Points: 3, Seeds: 30, Limit: 40 * suite.Sec, Run: testFailNoAgree,
		Description: "no agreement with three of five followers cut off", Lesson: "raft-replication#commit"},
	{Name: "ConcurrentStarts", Part: "B", Points: 3, Seeds: 30, Limit: 20 * suite.Sec, Run: testConcurrentStarts,
		Description: "five simultaneous proposals get five indexes and all commit", Lesson: "raft-replication#propose"},
	{Name: "Rejoin", Part: "B", Points: 2, Seeds: 30, Limit: 60 * suite.Sec, Run: testRejoin,
		Description: "a partitioned old leader's uncommitted entries are replaced", Lesson: "raft-replication#conflicts"},
	{Name: "Backup", Part: "B", Points: 3, Seeds: 20, Limit: 120 * suite.Sec, Run: testBackup,
		Description: "followers back over 50 conflicting entries quickly", Lesson: "raft-replication#fast-backup"},
	{Name: "PausedLeader", Part: "B", Points: 2, Seeds: 30, Limit: 60 * suite.Sec, Run: testPausedLeader,
		Description: "a leader paused past its term wakes, sends stale messages and steps down; later it may lead again", Lesson: "raft-replication#conflicts"},
	{Name: "CountMessages", Part: "B", Points: 2, Seeds: 30, Limit: 40 * suite.Sec, Run: testCountMessages,
		Description: "message budgets for an election, for 10 entries, and for an idle second", Lesson: "raft-replication#appendentries"},
	{Name: "ReplicationSwarm", Part: "B", Points: 2, Seeds: 30, Limit: 60 * suite.Sec, Run: testReplicationSwarm,
		Description: "3 to 7 nodes, long delays, duplication, reordering and overlapping partitions drawn per seed, while clients propose", Lesson: "raft-replication#commit"},

	// Part C: 25 points.
	{Name: "Persist1", Part: "C", Points: 2, Seeds: 30, Limit: 60 * suite.Sec, Run: testPersist1,
		Description: "the log survives crashes of every node, the leader, a follower", Lesson: "raft-persistence#restore"},
	{Name: "Persist2", Part: "C", Points: 2, Seeds: 30, Limit: 90 * suite.Sec, Run: testPersist2,
		Description: "repeated crashes of majorities and leaders", Lesson: "raft-persistence#restore"},
	{Name: "Persist3", Part: "C", Points: 2, Seeds: 30, Limit: 60 * suite.Sec, Run: testPersist3,
		Description: "a crashed leader and follower rejoin a partitioned cluster", Lesson: "raft-persistence#restore"},
	{Name: "Figure8", Part: "C", Points: 3, Seeds: 30, Limit: 120 * suite.Sec, Run: testFigure8,
		Description: "the Figure 8 scenario: leaders crash holding entries of old terms", Lesson: "raft-persistence#figure-8"},
	{Name: "Figure8Unreliable", Part: "C", Points: 2, Seeds: 20, Limit: 180 * suite.Sec, Run: testFigure8Unreliable,
		Description: "Figure 8 on a lossy network with long reordering", Lesson: "raft-persistence#figure-8"},
	{Name: "UnreliableAgree", Part: "C", Points: 2, Seeds: 30, Limit: 120 * suite.Sec, Run: testUnreliableAgree,
		Description: "agreement with loss, duplication and reordering", Lesson: "raft-persistence#unreliable"},
	{Name: "CrashInHandlers", Part: "C", Points: 2, Seeds: 30, Limit: 60 * suite.Sec, Run: testCrashInHandlers,
		Description: "crashes strike inside handlers, tearing Syncs, while clients propose", Lesson: "raft-persistence#restore"},
	{Name: "Swarm", Part: "C", Points: 2, Seeds: 30, Limit: 60 * suite.Sec, Run: testSwarm,
		Description: "a fault mix drawn per seed, faults overlapping, then all heal and the cluster must commit", Lesson: "raft-persistence#churn"},
	{Name: "PausesAndClocks", Part: "C", Points: 2, Seeds: 30, Limit: 60 * suite.Sec, Run: testPausesAndClocks,
		Description: "paused nodes, skewed and drifting clocks and one-way cuts, overlapping", Lesson: "raft-persistence#churn"},
	{Name: "Churn", Part: "C", Points: 1, Seeds: 20, Limit: 60 * suite.Sec, Run: testChurn,
		Description: "crashes, restarts and partitions while clients propose", Lesson: "raft-persistence#churn"},
	{Name: "UnreliableChurn", Part: "C", Points: 1, Seeds: 20, Limit: 60 * suite.Sec, Run: testUnreliableChurn,
		Description: "churn on an unreliable network", Lesson: "raft-persistence#churn"},
	{Name: "PersistenceSwarm", Part: "C", Points: 2, Seeds: 30, Limit: 60 * suite.Sec, Run: testPersistenceSwarm,
		Description: "3 to 7 nodes, crashes in handlers, torn Syncs and quick restarts, on networks with long delays, drawn per seed", Lesson: "raft-persistence#churn"},
	{Name: "CrashExploration", Part: "C", Points: 2, Seeds: 2, Limit: 60 * suite.Sec, Run: testCrashExploration,
		Description: "an election and four commits, crashed at every Sync and every tear of it, restarted at once and after 300 ms", Lesson: "raft-persistence#restore"},

	// Part D: 20 points.
	{Name: "SnapshotBasic", Part: "D", Points: 2, Seeds: 30, Limit: 60 * suite.Sec, Run: testSnapshotBasic,
		Description: "services snapshot every 10 entries; logs are trimmed", Lesson: "raft-snapshots#trimming"},
	{Name: "SnapshotInstall", Part: "D", Points: 2, Seeds: 30, Limit: 120 * suite.Sec, Run: testSnapshotInstall,
		Description: "a follower cut off past the leader's snapshot catches up by InstallSnapshot", Lesson: "raft-snapshots#installsnapshot"},
	{Name: "SnapshotInstallUnreliable", Part: "D", Points: 2, Seeds: 30, Limit: 180 * suite.Sec, Run: testSnapshotInstallUnreliable,
		Description: "InstallSnapshot on an unreliable network", Lesson: "raft-snapshots#installsnapshot"},
	{Name: "SnapshotInstallCrash", Part: "D", Points: 3, Seeds: 30, Limit: 120 * suite.Sec, Run: testSnapshotInstallCrash,
		Description: "InstallSnapshot to followers that crashed", Lesson: "raft-snapshots#installsnapshot"},
	{Name: "SnapshotAllCrash", Part: "D", Points: 2, Seeds: 30, Limit: 120 * suite.Sec, Run: testSnapshotAllCrash,
		Description: "every node crashes and restarts from its snapshot", Lesson: "raft-snapshots#restart"},
	{Name: "SnapshotStaleTail", Part: "D", Points: 1, Seeds: 20, Limit: 60 * suite.Sec, Run: testSnapshotStaleTail,
		Description: "a follower holding an old leader's uncommitted entries gets a snapshot whose index falls among them: it must discard its log (§7, Log Matching)", Lesson: "raft-snapshots#installsnapshot"},
	{Name: "SnapshotInit", Part: "D", Points: 2, Seeds: 30, Limit: 60 * suite.Sec, Run: testSnapshotInit,
		Description: "a restarted node hands its service the persisted snapshot first", Lesson: "raft-snapshots#restart"},
	{Name: "LogSizeBound", Part: "D", Points: 2, Seeds: 30, Limit: 120 * suite.Sec, Run: testLogSizeBound,
		Description: "durable state stays bounded across 200 commands", Lesson: "raft-snapshots#trimming"},
	{Name: "SnapshotSwarm", Part: "D", Points: 2, Seeds: 30, Limit: 60 * suite.Sec, Run: testSnapshotSwarm,
		Description: "snapshots every 3 to 12 entries under crashes, partitions and long delays, on 3 to 7 nodes drawn per seed", Lesson: "raft-snapshots#installsnapshot"},
	{Name: "SnapshotCrashExploration", Part: "D", Points: 2, Seeds: 2, Limit: 120 * suite.Sec, Run: testSnapshotCrashExploration,
		Description: "snapshots and an InstallSnapshot, crashed at every Sync and every tear of it, restarted at once and after 300 ms", Lesson: "raft-snapshots#restart"},
	// Searched over the student's own nodes (grader/search), within the
	// bounds each model states: three nodes, every interleaving of an
	// election; random walks through replication with a crash, whose
	// invariants need only apply, State and Propose (log matching is
	// checked too when the Raft implements raft.LogReader). Part B's 2
	// points came from FailAgree and Rejoin (3 each before), whose bugs
	// (a vote for a stale log, a lost committed entry) the search finds
	// with shorter counterexamples.
	models.SuiteTest("raft", "election-safety", "A", 2),
	models.SuiteTest("raft", "log-safety", "B", 2),
}
