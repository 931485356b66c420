//! The demo sandbox's next steps, through the real client: made-up lists, a practice
//! name, booking links made from the listed IDs, and messages that go nowhere.

#![allow(clippy::unwrap_used)]

use std::sync::atomic::Ordering;

use hero_core::api::outreach::SentField;
use hero_core::api::{
    Action, ApiError, Channel, HeroClient, NewBookingLink, NewMessage, PatientId,
};
use hero_core::sandbox::{self, SandboxOptions};

#[tokio::test]
async fn the_whole_flow_works_offline() {
    let running = sandbox::spawn(0, SandboxOptions::default()).await.unwrap();
    let client = HeroClient::new(running.demo_connection()).unwrap();
    assert_eq!(
        client.me().await.unwrap().as_deref(),
        Some("Demo Practice (not real)")
    );
    let types = client.appointment_types().await.unwrap();
    let locations = client.locations().await.unwrap();
    assert!(types.iter().any(|t| t.name == "Flu vaccination"));
    assert!(!locations.is_empty());

    let patient_id = PatientId::new("DEMO-000001");
    let link = client
        .create_booking_link(&NewBookingLink {
            patient_id: patient_id.clone(),
            appointment_type_id: types[1].id.clone(),
            location_id: locations[0].id.clone(),
            expires: jiff::civil::date(2026, 12, 20),
            maximum_use_count: 1,
        })
        .await
        .unwrap();
    assert!(link.url.starts_with("https://"), "{}", link.url);

    let message = |text: &str| NewMessage {
        patient_id: patient_id.clone(),
        channel: Channel::Sms,
        text: text.to_owned(),
        recipient: None,
        write_to_record: false,
    };
    let sent = client.send_message(&message("Book here")).await.unwrap();
    assert_eq!(sent.message_id, "demo-message-1");
    assert_eq!(running.stats.messages.load(Ordering::SeqCst), 1);
    assert_eq!(
        client.send_message(&message(" ")).await.unwrap_err(),
        ApiError::NotAccepted {
            action: Action::Message,
            fields: vec![SentField::MessageString]
        }
    );

    let unknown = client
        .create_booking_link(&NewBookingLink {
            patient_id,
            appointment_type_id: "no-such-type".into(),
            location_id: locations[0].id.clone(),
            expires: jiff::civil::date(2026, 12, 20),
            maximum_use_count: 1,
        })
        .await
        .unwrap_err();
    assert_eq!(unknown, ApiError::LinkTargetNotFound);
    assert_eq!(running.stats.booking_links.load(Ordering::SeqCst), 1);
}
