package jobs

// StopHeartbeats stops the queue's heartbeats and leaves its jobs
// running, as when its process is cut off from the database.
func (q *Queue) StopHeartbeats() {
	q.stopBeating()
	q.beating.Wait()
}
