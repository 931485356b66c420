//! Background work on the tokio runtime: registrations and keychain calls. The UI
//! hands over a job and gets an `Event` back over a channel, then a repaint.

use std::collections::HashMap;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};

use tokio::runtime::Handle;
use tokio::task::AbortHandle;

use std::path::PathBuf;

use crate::api::{
    ApiError, BookingLink, Choice, HeroClient, NewBookingLink, NewMessage, PatientId,
    PracticeGroup, Progress, Registration, SentMessage,
};
use crate::batch::run::{BatchControl, BatchSummary, BatchUpdate};
use crate::batch::{BatchList, ListError};
use crate::config::{BaseUrl, Environment};
use crate::files::FilePicker;
use crate::held::HeldId;
use crate::matched::MatchedPatient;
use crate::patient::{PatientQuery, TestNumbers};
use crate::secrets::{ApiKey, KeyStore, KeyStoreError};

pub use crate::state::RequestId;

/// Called after every event, so the window repaints only when something arrived.
pub type Waker = Arc<dyn Fn() + Send + Sync>;

#[derive(Debug)]
pub enum Event {
    Progress {
        id: RequestId,
        progress: Progress,
    },
    Finished {
        id: RequestId,
        result: Result<Registration, ApiError>,
    },
    KeyLoaded {
        environment: Environment,
        result: Result<Option<ApiKey>, KeyStoreError>,
    },
    KeySaved {
        environment: Environment,
        key: ApiKey,
        result: Result<(), KeyStoreError>,
    },
    KeyDeleted {
        environment: Environment,
        result: Result<(), KeyStoreError>,
    },
    SandboxStarted(Result<BaseUrl, std::io::ErrorKind>),
    ConnectionChecked(Result<PracticeGroup, ApiError>),
    /// A patient list was read (or why it couldn't be): the file name and the list.
    ListLoaded(Result<(String, BatchList), ListLoadError>),
    Batch(BatchUpdate),
    BatchFinished(BatchSummary),
    /// Results saved to this file, or why not. None: the user closed the dialog.
    ResultsSaved(Option<Result<PathBuf, SaveError>>),
    /// What the next steps need, read once per session and environment: the
    /// appointment types, the locations and the practice's name.
    OutreachLists {
        environment: Environment,
        lists: Box<OutreachLists>,
    },
    /// A message from the desk, sent (or why not).
    MessageSent {
        id: RequestId,
        result: Result<SentMessage, ApiError>,
    },
    /// A booking link made (or why not).
    LinkCreated {
        id: RequestId,
        result: Result<BookingLink, ApiError>,
    },
    /// Whether Hero answered `GET /v1/me`, asked while patients are held.
    HeldProbed(Result<(), ApiError>),
    /// A registered patient read back (`GET /v2/patients/{id}`).
    PatientRead {
        read_for: ReadFor,
        result: Result<MatchedPatient, ApiError>,
    },
    /// A held patient's registration came back.
    HeldSent {
        id: HeldId,
        result: Result<Registration, ApiError>,
    },
}

/// Why a patient list couldn't be opened; the file is named by its name only.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ListLoadError {
    #[error("{file} couldn't be read ({kind})")]
    Unreadable {
        file: String,
        kind: std::io::ErrorKind,
    },
    #[error("{file} can't be used: {problem}")]
    Unusable { file: String, problem: ListError },
}

/// The reference lists the invite needs, each as Hero answered.
#[derive(Debug)]
pub struct OutreachLists {
    pub appointment_types: Result<Vec<Choice>, ApiError>,
    pub locations: Result<Vec<Choice>, ApiError>,
    pub practice_name: Result<Option<String>, ApiError>,
}

/// Whose registration a read-back is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadFor {
    /// The patient at the desk, registered by this request.
    Desk(RequestId),
    /// A held patient, sent when Hero was back.
    Held(HeldId),
}

/// Why the results weren't saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SaveError {
    #[error("the file couldn't be written ({0})")]
    Write(std::io::ErrorKind),
    #[error("the save dialog failed")]
    Dialog,
}

pub struct Worker {
    runtime: Handle,
    events: Sender<Event>,
    waker: Waker,
    running: Arc<Mutex<HashMap<RequestId, AbortHandle>>>,
}

impl std::fmt::Debug for Worker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Worker").finish_non_exhaustive()
    }
}

impl Worker {
    pub fn new(runtime: Handle, waker: Waker) -> (Self, Receiver<Event>) {
        let (events, receiver) = channel();
        let worker = Self {
            runtime,
            events,
            waker,
            running: Arc::default(),
        };
        (worker, receiver)
    }

    fn sender(&self) -> EventSender {
        EventSender {
            events: self.events.clone(),
            waker: self.waker.clone(),
        }
    }

    /// Starts a registration. A panic inside comes back as `ApiError::Internal`.
    pub fn register(&self, id: RequestId, client: HeroClient, query: PatientQuery) {
        let progress_sender = self.sender();
        self.run_job(id, async move {
            client
                .register_pds_with_progress(&query, |progress| {
                    progress_sender.send(Event::Progress { id, progress });
                })
                .await
        });
    }

    /// Runs any registration job as request `id`: its result comes back as
    /// `Event::Finished`, a panic as `ApiError::Internal`, a cancel as nothing.
    pub fn run_job(
        &self,
        id: RequestId,
        job: impl Future<Output = Result<Registration, ApiError>> + Send + 'static,
    ) {
        let job = self.runtime.spawn(job);
        self.lock_running().insert(id, job.abort_handle());
        let sender = self.sender();
        let running = self.running.clone();
        self.runtime.spawn(async move {
            let outcome = job.await;
            running
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .remove(&id);
            let result = match outcome {
                Ok(result) => result,
                // Cancelled on purpose: the UI has already moved on.
                Err(e) if e.is_cancelled() => return,
                Err(_) => {
                    tracing::error!("registration task panicked");
                    Err(ApiError::Internal)
                }
            };
            sender.send(Event::Finished { id, result });
        });
    }

    /// Stops a registration at once; no event follows for it.
    pub fn cancel(&self, id: RequestId) {
        if let Some(job) = self.lock_running().remove(&id) {
            job.abort();
        }
    }

    pub fn is_busy(&self) -> bool {
        !self.lock_running().is_empty()
    }

    fn lock_running(&self) -> std::sync::MutexGuard<'_, HashMap<RequestId, AbortHandle>> {
        self.running.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn load_key(&self, store: Arc<dyn KeyStore>, environment: Environment) {
        let sender = self.sender();
        self.runtime.spawn(async move {
            let result = blocking(move || store.load(environment)).await;
            sender.send(Event::KeyLoaded {
                environment,
                result,
            });
        });
    }

    pub fn save_key(&self, store: Arc<dyn KeyStore>, environment: Environment, key: ApiKey) {
        let sender = self.sender();
        self.runtime.spawn(async move {
            let to_save = key.clone();
            let result = blocking(move || store.save(environment, &to_save)).await;
            sender.send(Event::KeySaved {
                environment,
                key,
                result,
            });
        });
    }

    pub fn delete_key(&self, store: Arc<dyn KeyStore>, environment: Environment) {
        let sender = self.sender();
        self.runtime.spawn(async move {
            let result = blocking(move || store.delete(environment)).await;
            sender.send(Event::KeyDeleted {
                environment,
                result,
            });
        });
    }

    /// Checks address, key and practice group without registering anyone.
    pub fn check_connection(&self, client: HeroClient) {
        let sender = self.sender();
        self.runtime.spawn(async move {
            let result = client.check_connection().await;
            sender.send(Event::ConnectionChecked(result));
        });
    }

    /// Reads a registered patient back, for the desk to confirm who was matched. A panic
    /// inside comes back as `ApiError::Internal`.
    pub fn read_patient(&self, read_for: ReadFor, client: HeroClient, patient_id: PatientId) {
        self.answer(
            async move { client.patient_details(&patient_id).await },
            move |result| Event::PatientRead { read_for, result },
        );
    }

    /// Runs one request on the runtime and sends its result as the event `done` makes;
    /// a panic inside comes back as `ApiError::Internal`, never a dead window.
    fn answer<T: Send + 'static>(
        &self,
        job: impl Future<Output = Result<T, ApiError>> + Send + 'static,
        done: impl FnOnce(Result<T, ApiError>) -> Event + Send + 'static,
    ) {
        let sender = self.sender();
        let job = self.runtime.spawn(job);
        self.runtime.spawn(async move {
            let result = job.await.unwrap_or_else(|_| {
                tracing::error!("background request panicked");
                Err(ApiError::Internal)
            });
            sender.send(done(result));
        });
    }

    /// Reads the appointment types, locations and practice name, in the background.
    pub fn fetch_outreach_lists(&self, environment: Environment, client: HeroClient) {
        let sender = self.sender();
        self.runtime.spawn(async move {
            let (appointment_types, locations, practice_name) =
                tokio::join!(client.appointment_types(), client.locations(), client.me());
            let lists = Box::new(OutreachLists {
                appointment_types,
                locations,
                practice_name,
            });
            sender.send(Event::OutreachLists { environment, lists });
        });
    }

    /// Sends one message; never repeated once Hero may have received it (the client's
    /// rule). A panic inside comes back as `ApiError::Internal`.
    pub fn send_message(&self, id: RequestId, client: HeroClient, message: NewMessage) {
        self.answer(
            async move { client.send_message(&message).await },
            move |result| Event::MessageSent { id, result },
        );
    }

    /// Makes one booking link, under the same never-twice rule.
    pub fn create_booking_link(&self, id: RequestId, client: HeroClient, link: NewBookingLink) {
        self.answer(
            async move { client.create_booking_link(&link).await },
            move |result| Event::LinkCreated { id, result },
        );
    }

    /// Asks whether Hero answers, for the held patients (it registers no one).
    pub fn probe_for_held(&self, client: HeroClient) {
        let sender = self.sender();
        self.runtime.spawn(async move {
            let result = client.check_connection().await.map(|_| ());
            sender.send(Event::HeldProbed(result));
        });
    }

    /// Sends one held patient. A panic inside comes back as `ApiError::Internal`.
    pub fn send_held(&self, id: HeldId, client: HeroClient, query: PatientQuery) {
        self.answer(
            async move { client.register_pds(&query).await },
            move |result| Event::HeldSent { id, result },
        );
    }

    /// Asks for a list with the file dialog, then reads and checks it.
    pub fn pick_list(&self, picker: Arc<dyn FilePicker>, test_numbers: TestNumbers) {
        let sender = self.sender();
        self.runtime.spawn(async move {
            let picked = tokio::task::spawn_blocking(move || picker.pick_list())
                .await
                .ok()
                .flatten();
            if let Some(path) = picked {
                sender.send(Event::ListLoaded(read_list_file(path, test_numbers).await));
            }
        });
    }

    /// Reads and checks a list dropped on the window.
    pub fn load_list(&self, path: PathBuf, test_numbers: TestNumbers) {
        let sender = self.sender();
        self.runtime.spawn(async move {
            sender.send(Event::ListLoaded(read_list_file(path, test_numbers).await));
        });
    }

    /// Runs a list's sendable rows (row number, patient): see [`crate::batch::run::run_batch`].
    pub fn run_batch(
        &self,
        client: HeroClient,
        rows: Vec<(usize, PatientQuery)>,
        control: BatchControl,
    ) {
        let updates = self.sender();
        let sender = self.sender();
        self.runtime.spawn(async move {
            let summary = crate::batch::run::run_batch(client, rows, control, move |update| {
                updates.send(Event::Batch(update));
            })
            .await;
            sender.send(Event::BatchFinished(summary));
        });
    }

    /// Asks where to save, then writes the results there. Never writes anywhere by itself.
    pub fn save_results(
        &self,
        picker: Arc<dyn FilePicker>,
        suggested_name: String,
        bytes: Vec<u8>,
    ) {
        let sender = self.sender();
        self.runtime.spawn(async move {
            let saved = tokio::task::spawn_blocking(move || {
                let path = picker.pick_results_destination(&suggested_name)?;
                Some(
                    std::fs::write(&path, bytes)
                        .map(|()| path)
                        .map_err(|e| SaveError::Write(e.kind())),
                )
            })
            .await
            .unwrap_or(Some(Err(SaveError::Dialog)));
            sender.send(Event::ResultsSaved(saved));
        });
    }

    /// Starts the built-in demo server on 127.0.0.1 at a free port.
    pub fn start_sandbox(&self) {
        let sender = self.sender();
        self.runtime.spawn(async move {
            let result = crate::sandbox::spawn_local().await.map_err(|e| e.kind());
            sender.send(Event::SandboxStarted(result));
        });
    }
}

/// A keychain call off the async executor; a panic there reads as "unavailable".
async fn blocking<T: Send + 'static>(
    call: impl FnOnce() -> Result<T, KeyStoreError> + Send + 'static,
) -> Result<T, KeyStoreError> {
    tokio::task::spawn_blocking(call)
        .await
        .unwrap_or(Err(KeyStoreError::Unavailable))
}

#[derive(Clone)]
struct EventSender {
    events: Sender<Event>,
    waker: Waker,
}

impl EventSender {
    fn send(&self, event: Event) {
        // A closed channel means the window is gone; nothing left to tell.
        if self.events.send(event).is_ok() {
            (self.waker)();
        }
    }
}

async fn read_list_file(
    path: PathBuf,
    test_numbers: TestNumbers,
) -> Result<(String, BatchList), ListLoadError> {
    let file = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let today = crate::patient::today();
    let read = tokio::task::spawn_blocking(move || {
        let bytes = std::fs::read(&path).map_err(|e| e.kind())?;
        Ok(crate::batch::read_list(&bytes, today, test_numbers))
    })
    .await;
    match read {
        Ok(Ok(Ok(list))) => Ok((file, list)),
        Ok(Ok(Err(problem))) => Err(ListLoadError::Unusable { file, problem }),
        Ok(Err(kind)) => Err(ListLoadError::Unreadable { file, kind }),
        // The reading task panicked: as far as the user can tell, unreadable.
        Err(_) => Err(ListLoadError::Unreadable {
            file,
            kind: std::io::ErrorKind::Other,
        }),
    }
}
