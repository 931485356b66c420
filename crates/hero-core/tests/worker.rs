//! The background worker: results come back as events with a repaint, panics
//! become errors, cancels stop at once.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use hero_core::api::{ApiError, PatientId, Registration};
use hero_core::worker::{Event, Worker};

fn worker() -> (
    tokio::runtime::Runtime,
    Worker,
    std::sync::mpsc::Receiver<Event>,
    Arc<AtomicUsize>,
) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let wakes = Arc::new(AtomicUsize::new(0));
    let counter = wakes.clone();
    let (worker, events) = Worker::new(
        runtime.handle().clone(),
        Arc::new(move || {
            counter.fetch_add(1, Ordering::SeqCst);
        }),
    );
    (runtime, worker, events, wakes)
}

#[test]
fn a_result_arrives_as_an_event_and_wakes_the_window() {
    let (_rt, worker, events, wakes) = worker();
    worker.run_job(7, async {
        Ok(Registration::Registered {
            patient_id: PatientId::new("p-1"),
        })
    });
    let event = events.recv_timeout(Duration::from_secs(5)).unwrap();
    let Event::Finished { id, result } = event else {
        panic!("{event:?}")
    };
    assert_eq!(id, 7);
    assert_eq!(
        result,
        Ok(Registration::Registered {
            patient_id: PatientId::new("p-1")
        })
    );
    // The waker runs right after the send.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while wakes.load(Ordering::SeqCst) == 0 && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(1));
    }
    assert_eq!(wakes.load(Ordering::SeqCst), 1);
    assert!(!worker.is_busy());
}

#[test]
fn a_panic_in_a_task_comes_back_as_an_error() {
    let (_rt, worker, events, _) = worker();
    worker.run_job(3, async { panic!("something broke") });
    let event = events.recv_timeout(Duration::from_secs(5)).unwrap();
    let Event::Finished { id, result } = event else {
        panic!("{event:?}")
    };
    assert_eq!((id, result), (3, Err(ApiError::Internal)));
    // The worker still runs jobs afterwards.
    worker.run_job(4, async { Err(ApiError::NotFound) });
    let event = events.recv_timeout(Duration::from_secs(5)).unwrap();
    assert!(matches!(
        event,
        Event::Finished {
            id: 4,
            result: Err(ApiError::NotFound)
        }
    ));
}

#[test]
fn cancel_stops_a_job_at_once_and_sends_nothing() {
    // Tells the test when the job's future is dropped, which only an abort does
    // before the job's (never-ending) wait is over.
    struct DroppedSignal(std::sync::mpsc::Sender<()>);
    impl Drop for DroppedSignal {
        fn drop(&mut self) {
            let _ = self.0.send(());
        }
    }
    let (dropped_tx, dropped) = std::sync::mpsc::channel();
    let (_rt, worker, events, wakes) = worker();
    worker.run_job(9, async move {
        let _signal = DroppedSignal(dropped_tx);
        std::future::pending::<()>().await;
        Err(ApiError::Timeout { attempts: 1 })
    });
    assert!(worker.is_busy());
    worker.cancel(9);
    // A deadline for a hang, not a speed bound: without the abort the job never ends.
    // Dropped before its first poll, the sender goes without a message: also a drop.
    assert!(
        !matches!(
            dropped.recv_timeout(Duration::from_secs(30)),
            Err(std::sync::mpsc::RecvTimeoutError::Timeout)
        ),
        "the cancelled job's future was dropped"
    );
    assert!(events.try_recv().is_err());
    assert!(!worker.is_busy());
    assert_eq!(
        wakes.load(Ordering::SeqCst),
        0,
        "no repaint for a cancelled job"
    );
}
