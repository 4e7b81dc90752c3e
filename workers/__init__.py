"""The deadline workers: a Celery application on Redis whose tasks are thin calls into
`request_flow.deadlines`. One machine: `request-flow worker` (a worker with the schedule embedded). A larger
office: `celery -A workers.app worker` on each machine and one `celery -A workers.app beat` (README)."""
