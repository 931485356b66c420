//! The demo's data: its credentials and its made-up patients, one for every outcome, and
//! the records they read back as, one for every check (`DEMO_RECORDS`).
//! Data only, so the window can list the patients without the server that answers for
//! them (`sandbox`).

/// The demo environment's credentials: not secret, only for the sandbox.
pub const DEMO_API_KEY: &str = "demo-key-not-secret";
pub const DEMO_PRACTICE_GROUP_ID: &str = "demo-practice";

/// The demo's made-up appointment types, as `GET /v1/appointment_types` lists them.
pub const DEMO_APPOINTMENT_TYPES: [(&str, &str); 4] = [
    ("101", "New patient health check"),
    ("102", "Flu vaccination"),
    ("103", "Nurse review"),
    ("104", "Nurse review (telephone)"),
];

/// The demo's made-up locations, as `GET /v1/locations` lists them.
pub const DEMO_LOCATIONS: [(&str, &str); 2] = [
    ("201", "Demo Surgery (main site)"),
    ("202", "Demo Surgery (annexe)"),
];

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

/// Which demo patient a made-up record belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoKey {
    /// An NHS number of [`DEMO_PATIENTS`], as typed there.
    NhsNumber(&'static str),
    /// A forename and surname of [`DEMO_NAMED_PATIENTS`].
    Named(&'static str, &'static str),
}

/// What the desk sees when a demo patient's details are read back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoRecordCase {
    /// Everything as typed, registered at the practice.
    AsTyped,
    /// Hero's record has another date of birth than the one typed.
    DateOfBirthDiffers,
    /// A restricted record: it carries an address, which must never be shown.
    Restricted,
    Deceased,
    /// Not registered at the practice in its clinical system (`ehr_registered: false`).
    Temporary,
}

/// A made-up record for `GET /v2/patients/{id}`: fields as Hero's reference names them.
#[derive(Debug, Clone, Copy)]
pub struct DemoRecord {
    pub patient: DemoKey,
    pub case: DemoRecordCase,
    pub first_name: &'static str,
    pub last_name: &'static str,
    /// As on the record, which may differ from the demo patient's typed one.
    pub dob_iso: &'static str,
    pub nhs_number: Option<&'static str>,
    pub mobile: &'static str,
    pub email: &'static str,
    pub line_1: &'static str,
    pub town: &'static str,
    pub postcode: &'static str,
    pub deceased_at: Option<&'static str>,
    pub ehr_registered: bool,
    /// The README demo tables' last column, word for word.
    pub what_the_card_shows: &'static str,
}

/// One record for each case; names, numbers and addresses are made up (07700 900xxx is
/// Ofcom's drama range).
pub const DEMO_RECORDS: [DemoRecord; 5] = [
    DemoRecord {
        patient: DemoKey::NhsNumber("999 000 0018"),
        case: DemoRecordCase::AsTyped,
        first_name: "Alex",
        last_name: "Exampleton",
        dob_iso: "1992-02-01",
        nhs_number: Some("9990000018"),
        mobile: "07700 900123",
        email: "alex.exampleton@example.com",
        line_1: "1 Demo Street",
        town: "Leeds",
        postcode: "LS1 4AP",
        deceased_at: None,
        ehr_registered: true,
        what_the_card_shows: "Alex Exampleton, as typed: name, date of birth, mobile ending 123",
    },
    DemoRecord {
        patient: DemoKey::NhsNumber("999 000 0026"),
        case: DemoRecordCase::DateOfBirthDiffers,
        first_name: "Bobbie",
        last_name: "Placeholder",
        dob_iso: "1985-07-15",
        nhs_number: Some("9990000026"),
        mobile: "07700 900456",
        email: "bobbie@example.org",
        line_1: "2 Sample Road",
        town: "York",
        postcode: "YO1 7HH",
        deceased_at: None,
        ehr_registered: true,
        what_the_card_shows: "Bobbie Placeholder: the date of birth differs (Hero's record: 15 July 1985)",
    },
    DemoRecord {
        patient: DemoKey::NhsNumber("999 000 0069"),
        case: DemoRecordCase::Restricted,
        first_name: "Charlie",
        last_name: "Hiddenfield",
        dob_iso: "1999-12-31",
        nhs_number: Some("9990000069"),
        mobile: "07700 900789",
        email: "charlie@example.net",
        line_1: "3 Never Shown Lane",
        town: "Hull",
        postcode: "HU1 1AA",
        deceased_at: None,
        ehr_registered: true,
        what_the_card_shows: "Charlie Hiddenfield: a restricted record (it carries an address, never shown)",
    },
    DemoRecord {
        patient: DemoKey::NhsNumber("999 000 0085"),
        case: DemoRecordCase::Deceased,
        first_name: "Dana",
        last_name: "Samplewood",
        dob_iso: "2010-06-15",
        nhs_number: Some("9990000085"),
        mobile: "07700 900321",
        email: "dana@example.com",
        line_1: "4 Test Close",
        town: "Bradford",
        postcode: "BD1 1AA",
        deceased_at: Some("2025-01-10T09:30:00.000Z"),
        ehr_registered: true,
        what_the_card_shows: "Dana Samplewood: deceased",
    },
    DemoRecord {
        patient: DemoKey::Named("Sam", "Demoperson"),
        case: DemoRecordCase::Temporary,
        first_name: "Sam",
        last_name: "Demoperson",
        dob_iso: "1988-03-07",
        nhs_number: Some("9990000093"),
        mobile: "07700 900654",
        email: "sam.demoperson@example.com",
        line_1: "5 Made Up Avenue",
        town: "Leeds",
        postcode: "LS1 4AP",
        deceased_at: None,
        ehr_registered: false,
        what_the_card_shows: "Sam Demoperson: a temporary patient (not registered at this practice)",
    },
];

/// The made-up record of a demo patient, if it has one.
pub fn demo_record(patient: DemoKey) -> Option<&'static DemoRecord> {
    DEMO_RECORDS.iter().find(|r| r.patient == patient)
}
