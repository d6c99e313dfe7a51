"""The tasks of bench/farm.py: the same short computation as a plain
Celery task (acknowledged as it starts, and as it ends) and as a
ResumableTask."""
import os

import sleepy.celery
from celery import Celery

BROKER = os.environ["FARM_BROKER"]
app = Celery("farmjobs", broker=BROKER, backend=BROKER)
app.conf.update(worker_prefetch_multiplier=1, broker_connection_retry_on_startup=True)
sleepy.celery.install(app, store=os.environ["FARM_STORE"])


def work(n):
    x = 1
    for i in range(n):
        x = (x * 31 + i) % 1_000_003
    return x


@app.task
def plain(n):
    return work(n)


@app.task(acks_late=True)  # (acknowledged when it ends, as a ResumableTask is)
def plain_late(n):
    return work(n)


@app.task(base=sleepy.celery.ResumableTask)
def resumable(n):
    return work(n)


# acks_late, with sleepy's acknowledgement that asks for the next message
# at once: what a ResumableTask costs beyond acks_late itself.
@app.task(acks_late=True, Request=sleepy.celery._Request)
def ticked_late(n):
    return work(n)
