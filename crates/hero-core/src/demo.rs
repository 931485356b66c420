//! The demo's data: its credentials and its made-up patients, one for every outcome.
//! Data only, so the window can list the patients without the server that answers for
//! them (`sandbox`).

/// The demo environment's credentials: not secret, only for the sandbox.
pub const DEMO_API_KEY: &str = "demo-key-not-secret";
pub const DEMO_PRACTICE_GROUP_ID: &str = "demo-practice";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoOutcome {
    Registered,
    AlreadyRegistered,
    VerificationRequired,
    NotFound,
    BadRequest,
    RateLimitedOnce,
    ServerError,
    Slow,
}

#[derive(Debug, Clone, Copy)]
pub struct DemoPatient {
    /// As typed at the desk: `999 000 0018`.
    pub nhs_number: &'static str,
    /// UK order, as typed: `01/02/1992`.
    pub dob: &'static str,
    pub dob_iso: &'static str,
    pub outcome: DemoOutcome,
    pub what_happens: &'static str,
}

/// NHS test numbers (999 range, valid check digits): never real people.
pub const DEMO_PATIENTS: [DemoPatient; 8] = [
    DemoPatient {
        nhs_number: "999 000 0018",
        dob: "01/02/1992",
        dob_iso: "1992-02-01",
        outcome: DemoOutcome::Registered,
        what_happens: "Registered: a patient ID comes back",
    },
    DemoPatient {
        nhs_number: "999 000 0026",
        dob: "14/07/1985",
        dob_iso: "1985-07-14",
        outcome: DemoOutcome::AlreadyRegistered,
        what_happens: "Already registered: the same patient ID every time",
    },
    DemoPatient {
        nhs_number: "999 000 0034",
        dob: "30/11/1978",
        dob_iso: "1978-11-30",
        outcome: DemoOutcome::VerificationRequired,
        what_happens: "Identity check needed: the verification page opens",
    },
    DemoPatient {
        nhs_number: "999 000 0042",
        dob: "09/03/2001",
        dob_iso: "2001-03-09",
        outcome: DemoOutcome::NotFound,
        what_happens: "Not found on the NHS Spine (404)",
    },
    DemoPatient {
        nhs_number: "999 000 0050",
        dob: "22/05/1964",
        dob_iso: "1964-05-22",
        outcome: DemoOutcome::BadRequest,
        what_happens: "Hero rejects the date of birth (400)",
    },
    DemoPatient {
        nhs_number: "999 000 0069",
        dob: "31/12/1999",
        dob_iso: "1999-12-31",
        outcome: DemoOutcome::RateLimitedOnce,
        what_happens: "Hero is busy (429), then registers after a short wait",
    },
    DemoPatient {
        nhs_number: "999 000 0077",
        dob: "01/01/1950",
        dob_iso: "1950-01-01",
        outcome: DemoOutcome::ServerError,
        what_happens: "Hero has a problem on its side (500)",
    },
    DemoPatient {
        nhs_number: "999 000 0085",
        dob: "15/06/2010",
        dob_iso: "2010-06-15",
        outcome: DemoOutcome::Slow,
        what_happens: "A slow answer (3 seconds), then registered",
    },
];

/// A demo patient for the trace by name, date of birth and postcode.
#[derive(Debug, Clone, Copy)]
pub struct DemoNamedPatient {
    pub forename: &'static str,
    pub surname: &'static str,
    /// UK order, as typed: `01/02/1992`.
    pub dob: &'static str,
    pub dob_iso: &'static str,
    pub postcode: &'static str,
    pub outcome: DemoOutcome,
    pub what_happens: &'static str,
}

/// Made-up names; the postcodes are real formats but these people are not.
pub const DEMO_NAMED_PATIENTS: [DemoNamedPatient; 3] = [
    DemoNamedPatient {
        forename: "Sam",
        surname: "Demoperson",
        dob: "07/03/1988",
        dob_iso: "1988-03-07",
        postcode: "LS1 4AP",
        outcome: DemoOutcome::Registered,
        what_happens: "Registered: a patient ID comes back",
    },
    DemoNamedPatient {
        forename: "Jo",
        surname: "Sampleton",
        dob: "12/08/1975",
        dob_iso: "1975-08-12",
        postcode: "ZZ99 3VZ",
        outcome: DemoOutcome::VerificationRequired,
        what_happens: "Identity check needed (no fixed abode postcode)",
    },
    DemoNamedPatient {
        forename: "Robin",
        surname: "Nomatch",
        dob: "23/04/1960",
        dob_iso: "1960-04-23",
        postcode: "M1 1AE",
        outcome: DemoOutcome::NotFound,
        what_happens: "No single patient matches (404)",
    },
];
