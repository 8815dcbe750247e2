-- demo_clients.sql - the demo agency's clients, contacts, confidential notes, owner history and
-- six months of activities (dates relative to now()). Run as the owner role after demo.sql;
-- deterministic (pseudo-random choices come from md5 of fixed keys) and idempotent: a client
-- whose name already exists is skipped together with everything that would hang off it.

BEGIN;

-- ---------------------------------------------------------------------------------------
-- Three more account executives, so that each team has two or three AEs.
-- ---------------------------------------------------------------------------------------
INSERT INTO agency.users (username, full_name, email, role, branch_id, approval_limit, approval_currency)
SELECT v.username, v.full_name, v.email, 'ae', b.id, 0, 'EUR'
  FROM (VALUES
    ('omar.khalil', 'Omar Khalil عمر خليل', 'omar.khalil@agency.example', 'Istanbul'),
    ('luca.ferrari', 'Luca Ferrari', 'luca.ferrari@agency.example', 'Milano'),
    ('wang.fang', 'Wang Fang 王芳', 'wang.fang@agency.example', 'Shanghai')
  ) AS v (username, full_name, email, branch)
  JOIN agency.branches b ON b.name = v.branch
ON CONFLICT DO NOTHING;

UPDATE agency.users u SET team_id = t.id
  FROM (VALUES
    ('omar.khalil', 'Istanbul Brands'),
    ('luca.ferrari', 'Milano Retail'),
    ('wang.fang', 'Shanghai Digital')
  ) AS v (username, team)
  JOIN agency.teams t ON t.name = v.team
 WHERE u.username = v.username AND u.team_id IS NULL;

-- The same Argon2id hash of "agency-demo-2026" as demo.sql.
INSERT INTO agency.user_secrets (user_id, password_hash)
SELECT u.id, '$argon2id$v=19$m=19456,t=2,p=1$u/VRkDjU3/lByC5COdj+pA$IdkusI/6G2BWmAU8vMf8ES/JhRsPeWDytRwtyOI6/qc'
  FROM agency.users u
 WHERE u.username IN ('omar.khalil', 'luca.ferrari', 'wang.fang')
ON CONFLICT DO NOTHING;

-- ---------------------------------------------------------------------------------------
-- Deterministic "random" helpers (session-local, gone when the loader disconnects).
-- ---------------------------------------------------------------------------------------

-- A number in 0 .. 2^31-1 derived from seed.
CREATE OR REPLACE FUNCTION pg_temp.demo_num(seed text) RETURNS bigint
LANGUAGE sql IMMUTABLE AS $$
    SELECT ('x' || substr(md5(seed), 1, 8))::bit(32)::bigint & 2147483647
$$;

-- pattern with every '#' replaced by a digit 0-9 and every '%' by a digit 1-9, drawn from seed.
CREATE OR REPLACE FUNCTION pg_temp.demo_fill(pattern text, seed text) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    out text := '';
    c text;
    i int;
BEGIN
    FOR i IN 1 .. char_length(pattern) LOOP
        c := substr(pattern, i, 1);
        IF c = '#' THEN
            c := (pg_temp.demo_num(seed || ':' || i) % 10)::text;
        ELSIF c = '%' THEN
            c := (1 + pg_temp.demo_num(seed || ':' || i) % 9)::text;
        END IF;
        out := out || c;
    END LOOP;
    RETURN out;
END $$;

-- One element of arr, chosen by seed.
CREATE OR REPLACE FUNCTION pg_temp.demo_pick(arr text[], seed text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT arr[1 + pg_temp.demo_num(seed) % cardinality(arr)]
$$;

-- ---------------------------------------------------------------------------------------
-- Cities: web domain suffix, phone and mobile patterns, registration-number pattern
-- (MERSİS, partita IVA, unified social credit code, trade licence / CR, company number, EIN)
-- and street addresses in the local script.
-- ---------------------------------------------------------------------------------------
CREATE TEMP TABLE demo_city (
    city text PRIMARY KEY,
    tld text NOT NULL,
    phone text NOT NULL,
    mobile text NOT NULL,
    reg text NOT NULL,
    addresses text[] NOT NULL
) ON COMMIT DROP;

INSERT INTO demo_city VALUES
    ('Istanbul', 'com.tr', '+90 212 %## ## ##', '+90 53% ### ## ##', '0###############',
     '{"Büyükdere Cad. No: %#, Levent, 34330 Beşiktaş/İstanbul","Halaskargazi Cad. No: %#, 34371 Şişli/İstanbul","Bağdat Cad. No: %##, 34728 Kadıköy/İstanbul","İkitelli OSB %. Cad. No: %#, 34490 Başakşehir/İstanbul"}'),
    ('Ankara', 'com.tr', '+90 312 %## ## ##', '+90 54% ### ## ##', '0###############',
     '{"Atatürk Bulvarı No: %#, 06680 Çankaya/Ankara"}'),
    ('Izmir', 'com.tr', '+90 232 %## ## ##', '+90 55% ### ## ##', '0###############',
     '{"Cumhuriyet Bulvarı No: %#, 35210 Konak/İzmir"}'),
    ('Bursa', 'com.tr', '+90 224 %## ## ##', '+90 53% ### ## ##', '0###############',
     '{"Nilüfer OSB %. Cad. No: %#, 16140 Nilüfer/Bursa"}'),
    ('Antalya', 'com.tr', '+90 242 %## ## ##', '+90 54% ### ## ##', '0###############',
     '{"Konyaaltı Cad. No: %#, 07050 Muratpaşa/Antalya"}'),
    ('Dubai', 'ae', '+971 4 %## ####', '+971 5% ### ####', 'DED-%#####',
     '{"مكتب %##، برج الأعمال، شارع الشيخ زايد، دبي","مستودع %#، القوز الصناعية %، دبي"}'),
    ('Abu Dhabi', 'ae', '+971 2 %## ####', '+971 5% ### ####', 'CN-%######',
     '{"الطابق %، برج %#، شارع الكورنيش، أبوظبي"}'),
    ('Riyadh', 'com.sa', '+966 11 %## ####', '+966 5% ### ####', '1010######',
     '{"طريق الملك فهد، مبنى %##، الرياض %####"}'),
    ('Amman', 'com.jo', '+962 6 %## ####', '+962 7% ### ####', 'JO-%#####',
     '{"شارع مكة، عمارة %#، عمّان"}'),
    ('Beirut', 'com.lb', '+961 1 %## ###', '+961 3 %## ###', 'LB-%#####',
     '{"شارع الحمرا، بناية %#، بيروت"}'),
    ('Cairo', 'com.eg', '+20 2 %### ####', '+20 10 %### ####', 'EG-%#####',
     '{"%# شارع التحرير، الدقي، الجيزة"}'),
    ('Milano', 'it', '+39 02 %### ####', '+39 3%# ### ####', 'IT###########',
     '{"Via Monte Napoleone %#, 20121 Milano","Corso Buenos Aires %#, 20124 Milano","Viale Monza %##, 20127 Milano"}'),
    ('Torino', 'it', '+39 011 %## ####', '+39 3%# ### ####', 'IT###########',
     '{"Via Roma %#, 10121 Torino"}'),
    ('Bologna', 'it', '+39 051 %## ####', '+39 3%# ### ####', 'IT###########',
     '{"Via dell''Indipendenza %#, 40121 Bologna"}'),
    ('Roma', 'it', '+39 06 %### ####', '+39 3%# ### ####', 'IT###########',
     '{"Via del Corso %##, 00186 Roma"}'),
    ('Verona', 'it', '+39 045 %## ####', '+39 3%# ### ####', 'IT###########',
     '{"Corso Porta Nuova %#, 37122 Verona"}'),
    ('Napoli', 'it', '+39 081 %## ####', '+39 3%# ### ####', 'IT###########',
     '{"Via Toledo %##, 80134 Napoli"}'),
    ('Shanghai', 'com.cn', '+86 21 %### ####', '+86 13% #### ####', '913101MA##########',
     '{"上海市浦东新区世纪大道%##号","上海市静安区南京西路%###号","上海市徐汇区漕溪北路%#号"}'),
    ('Beijing', 'com.cn', '+86 10 %### ####', '+86 13% #### ####', '911101MA##########',
     '{"北京市朝阳区建国路%#号"}'),
    ('Shenzhen', 'com.cn', '+86 755 %### ####', '+86 15% #### ####', '914403MA##########',
     '{"深圳市南山区科技园南区%#栋"}'),
    ('Hangzhou', 'com.cn', '+86 571 %### ####', '+86 18% #### ####', '913301MA##########',
     '{"杭州市西湖区文三路%##号"}'),
    ('Guangzhou', 'com.cn', '+86 20 %### ####', '+86 13% #### ####', '914401MA##########',
     '{"广州市天河区天河路%##号"}'),
    ('Chengdu', 'com.cn', '+86 28 %### ####', '+86 15% #### ####', '915101MA##########',
     '{"成都市锦江区春熙路%#号"}'),
    ('London', 'co.uk', '+44 20 7%## ####', '+44 7%## ######', '0%######',
     '{"%# Canada Square, London E14 5AB","%# Old Street, London EC1V 9HL"}'),
    ('Manchester', 'co.uk', '+44 161 %## ####', '+44 7%## ######', '0%######',
     '{"%# Deansgate, Manchester M3 2BW"}'),
    ('Edinburgh', 'co.uk', '+44 131 %## ####', '+44 7%## ######', 'SC%#####',
     '{"%# George Street, Edinburgh EH2 2PF"}'),
    ('New York', 'com', '+1 212 %## ####', '+1 917 %## ####', '%#-#######',
     '{"%## Madison Avenue, New York, NY 10016"}'),
    ('Chicago', 'com', '+1 312 %## ####', '+1 773 %## ####', '%#-#######',
     '{"%## North Michigan Avenue, Chicago, IL 60611"}'),
    ('San Francisco', 'com', '+1 415 %## ####', '+1 628 %## ####', '%#-#######',
     '{"%## Market Street, San Francisco, CA 94105"}');

-- ---------------------------------------------------------------------------------------
-- Per language: people's names (native script and the ASCII form used in e-mail addresses),
-- contact titles (marketing director, brand manager, product manager, advertising manager),
-- what account people write in activities and notes.
-- ---------------------------------------------------------------------------------------
CREATE TEMP TABLE demo_lang (
    lang text PRIMARY KEY,
    given text[] NOT NULL,       -- pairs flattened: native, ascii, native, ascii, ...
    family text[] NOT NULL,      -- likewise
    family_first boolean NOT NULL,
    titles text[] NOT NULL,
    mailbox text NOT NULL,
    calls text[] NOT NULL,
    emails text[] NOT NULL,
    meetings text[] NOT NULL,
    visits text[] NOT NULL,
    notes text[] NOT NULL,
    next_actions text[] NOT NULL,
    client_notes text[] NOT NULL,
    secrets text[] NOT NULL
) ON COMMIT DROP;

INSERT INTO demo_lang VALUES
('tr',
 '{Ahmet,ahmet,Ayşe,ayse,Elif,elif,Burak,burak,Zeynep,zeynep,Can,can,Deniz,deniz,Selin,selin,Murat,murat,Ece,ece,Kerem,kerem,Derya,derya,Hakan,hakan,Gizem,gizem,Onur,onur,Seda,seda}',
 '{Demir,demir,Şahin,sahin,Çelik,celik,Yıldız,yildiz,Aydın,aydin,Öztürk,ozturk,Arslan,arslan,Doğan,dogan,Kılıç,kilic,Aslan,aslan,Koç,koc,Kurt,kurt,Özdemir,ozdemir,Polat,polat,Güneş,gunes,Acar,acar}',
 false,
 '{"Pazarlama Direktörü","Marka Müdürü","Ürün Müdürü","Reklam Müdürü"}',
 'info',
 '{"Yeni sezon kampanyası için bütçe görüşüldü","Reklam filmi çekim tarihleri teyit edildi","Gecikmiş fatura için ödeme takvimi konuşuldu","Bayram kampanyasının ilk sonuçları paylaşıldı"}',
 '{"Revize medya planı gönderildi","Toplantı tutanağı paylaşıldı","Sosyal medya içerik takvimi onaya sunuldu"}',
 '{"Yıllık iletişim stratejisi sunuldu","Ramazan kampanyası brifingi alındı","Çeyrek dönem performans değerlendirmesi yapıldı","Yeni ürün lansmanı için kreatif sunum yapıldı"}',
 '{"Fabrika ziyareti: ürün çekimi için mekân incelendi","Yeni mağaza açılışı için yerinde keşif yapıldı"}',
 '{"Müşteri rakip bir ajansla da görüşüyor","Pazarlama direktörü değişti, yeni kişiyle tanışılmalı"}',
 '{"Revize teklifi gönder","Kreatif sunum tarihini netleştir","Medya planı onayını takip et","Ödeme durumunu finansla kontrol et","Toplantı tutanağını gönder","Çekim izinlerini al","Yeni marka müdürüyle tanışma toplantısı ayarla","Kampanya sonuç raporunu hazırla"}',
 '{"Kısa sorular için WhatsApp tercih ediyor.","Mali yıl Ocak ayında başlıyor; bütçeler Kasım''da kesinleşiyor.","Tüm yazışmalarda satın alma birimi bilgiye eklenmeli."}',
 '{"Pazarlama direktörü yıl sonunda ayrılmayı düşünüyor; yerine gelecek kişiyle erken ilişki kurulmalı.","Rakip ajans %15 daha düşük fiyat verdi; sözleşme yenilemesi risk altında.","Ödemeler genellikle 90 gün gecikiyor; yeni işlerde avans istenmeli."}'),
('ar',
 '{محمد,mohammed,أحمد,ahmed,سارة,sara,نور,nour,خالد,khaled,ريم,reem,يوسف,youssef,هدى,huda,طارق,tarek,لينا,lina,كريم,karim,دينا,dina,زياد,ziad,سلمى,salma,فيصل,faisal,منى,mona}',
 '{الحسن,alhassan,العلي,alali,الخطيب,alkhatib,الشامي,alshami,النجار,alnajjar,السيد,alsayed,الرشيد,alrashid,المصري,almasri,عثمان,othman,الزعبي,alzoubi,القاسم,alqasem,الفارس,alfares,البدوي,albadawi,الحلبي,alhalabi,سليمان,suleiman,العمري,alomari}',
 false,
 '{"مدير التسويق","مدير العلامة التجارية","مدير المنتج","مدير الإعلان"}',
 'info',
 '{"مناقشة ميزانية حملة الربع القادم","تأكيد مواعيد تصوير الإعلان","متابعة الدفعة المستحقة","مراجعة النتائج الأولى لحملة العيد"}',
 '{"إرسال خطة الإعلام المعدلة","إرسال محضر الاجتماع","مشاركة تقويم المحتوى لوسائل التواصل"}',
 '{"عرض استراتيجية الاتصال السنوية","استلام موجز حملة رمضان","مراجعة أداء الربع مع العميل","عرض الأفكار الإبداعية لإطلاق المنتج الجديد"}',
 '{"زيارة المصنع ومعاينة موقع التصوير","زيارة المعرض الجديد قبل الافتتاح"}',
 '{"العميل يتواصل مع وكالة منافسة","تغيّر مدير التسويق، يجب التعرف على المدير الجديد"}',
 '{"إرسال العرض المعدل","تحديد موعد العرض الإبداعي","متابعة اعتماد خطة الإعلام","التحقق من حالة الدفع مع المالية","إرسال محضر الاجتماع","الحصول على تصاريح التصوير","ترتيب اجتماع مع مدير العلامة الجديد","إعداد تقرير نتائج الحملة"}',
 '{"يفضّل التواصل عبر واتساب للأسئلة السريعة.","تبدأ السنة المالية في يناير وتُعتمد الميزانيات في نوفمبر.","يجب نسخ إدارة المشتريات في جميع المراسلات."}',
 '{"مدير التسويق يفكر في الانتقال إلى شركة أخرى نهاية العام؛ يجب بناء علاقة مع خليفته.","قدّمت وكالة منافسة سعراً أقل بنسبة 15%؛ تجديد العقد في خطر.","تتأخر المدفوعات عادةً 90 يوماً؛ يُطلب دفعة مقدمة قبل أي عمل جديد."}'),
('zh',
 '{伟,wei,芳,fang,娜,na,秀英,xiuying,敏,min,静,jing,丽,li,强,qiang,磊,lei,军,jun,洋,yang,勇,yong,艳,yan,杰,jie,涛,tao,婷,ting}',
 '{王,wang,李,li,张,zhang,刘,liu,陈,chen,杨,yang,黄,huang,赵,zhao,吴,wu,周,zhou,徐,xu,孙,sun,马,ma,朱,zhu,胡,hu,林,lin}',
 true,
 '{市场总监,品牌经理,产品经理,广告经理}',
 'contact',
 '{沟通下季度推广预算,确认广告片拍摄档期,跟进逾期回款,反馈双十一活动初步数据}',
 '{发送修改后的媒介计划,发送会议纪要,提交社交媒体内容日历}',
 '{汇报年度传播策略,接收双十一活动简报,季度业绩回顾会议,新品上市创意提案}',
 '{拜访工厂并勘察拍摄场地,新门店开业前现场走访}',
 '{客户同时在接触其他代理公司,市场总监更换，需尽快拜访新负责人}',
 '{发送修改后的报价,确定创意提案日期,跟进媒介计划审批,与财务核对回款情况,发送会议纪要,办理拍摄许可,约见新任品牌经理,准备活动结案报告}',
 '{客户习惯用微信沟通日常问题。,财年从一月开始，预算在十一月确定。,所有往来邮件需抄送采购部。}',
 '{市场总监年底可能离职，需提前与继任者建立关系。,竞争对手代理报价低15%，续约存在风险。,客户付款通常延迟90天，新项目需预付款。}'),
('it',
 '{Marco,marco,Giulia,giulia,Alessandro,alessandro,Francesca,francesca,Luca,luca,Chiara,chiara,Matteo,matteo,Sara,sara,Andrea,andrea,Valentina,valentina,Stefano,stefano,Elena,elena,Davide,davide,Federica,federica,Paolo,paolo,Silvia,silvia}',
 '{Rossi,rossi,Russo,russo,Esposito,esposito,Romano,romano,Colombo,colombo,Ricci,ricci,Marino,marino,Greco,greco,Bruno,bruno,Gallo,gallo,Conti,conti,"De Luca",deluca,Mancini,mancini,Costa,costa,Giordano,giordano,Rizzo,rizzo}',
 false,
 '{"Direttore Marketing","Brand Manager","Product Manager","Responsabile Pubblicità"}',
 'info',
 '{"Discusso il budget della campagna autunnale","Confermate le date delle riprese dello spot","Sollecitato il pagamento della fattura scaduta","Commentati i primi risultati della campagna estiva"}',
 '{"Inviato il piano media aggiornato","Inviato il verbale della riunione","Proposto il calendario editoriale social"}',
 '{"Presentata la strategia di comunicazione annuale","Ricevuto il brief per la campagna natalizia","Revisione trimestrale dei risultati","Presentazione creativa per il lancio del nuovo prodotto"}',
 '{"Visita allo stabilimento per il servizio fotografico","Sopralluogo al nuovo punto vendita prima dell''apertura"}',
 '{"Il cliente sta sentendo anche un''altra agenzia","Nuovo direttore marketing: fissare un incontro di presentazione"}',
 '{"Inviare il preventivo rivisto","Fissare la data della presentazione creativa","Seguire l''approvazione del piano media","Verificare il pagamento con l''amministrazione","Inviare il verbale della riunione","Ottenere i permessi per le riprese","Organizzare un incontro con il nuovo brand manager","Preparare il report di fine campagna"}',
 '{"Preferisce le telefonate alle e-mail per le urgenze.","L''esercizio inizia a gennaio; i budget si chiudono a novembre.","Mettere sempre in copia l''ufficio acquisti."}',
 '{"Il direttore marketing potrebbe lasciare l''azienda entro fine anno: coltivare il probabile successore.","Un''agenzia concorrente ha offerto il 15% in meno: rinnovo a rischio.","Pagano in media a 90 giorni: chiedere un anticipo sui nuovi lavori."}'),
('en',
 '{James,james,Emma,emma,Oliver,oliver,Sophie,sophie,William,william,Charlotte,charlotte,Daniel,daniel,Hannah,hannah,Thomas,thomas,Olivia,olivia,Michael,michael,Grace,grace,David,david,Emily,emily,Robert,robert,Lucy,lucy}',
 '{Smith,smith,Johnson,johnson,Brown,brown,Taylor,taylor,Wilson,wilson,Davies,davies,Evans,evans,Clarke,clarke,Walker,walker,Wright,wright,Hughes,hughes,Green,green,Hall,hall,Wood,wood,Harris,harris,Turner,turner}',
 false,
 '{"Marketing Director","Brand Manager","Product Manager","Advertising Manager"}',
 'hello',
 '{"Discussed next quarter''s campaign budget","Confirmed the shoot dates for the TV spot","Chased the overdue invoice","Went through the first results of the summer campaign"}',
 '{"Sent the revised media plan","Sent the meeting minutes","Shared the social media content calendar"}',
 '{"Presented the annual communication strategy","Took the brief for the holiday campaign","Quarterly business review","Creative presentation for the product launch"}',
 '{"Plant visit to scout locations for the product shoot","Store visit ahead of the flagship opening"}',
 '{"Client is also talking to a competing agency","New marketing director: set up an introduction"}',
 '{"Send the revised estimate","Fix the date of the creative presentation","Follow up on the media plan approval","Check the payment status with finance","Send the meeting minutes","Get the filming permits","Set up an intro meeting with the new brand manager","Prepare the campaign wrap-up report"}',
 '{"Prefers a phone call to e-mail for anything urgent.","Fiscal year starts in January; budgets are set in November.","Always copy procurement on estimates."}',
 '{"The marketing director may leave at year end; build a relationship with the likely successor.","A competing agency quoted 15% lower; the renewal is at risk.","They usually pay 90 days late; ask for an advance on new work."}');

-- ---------------------------------------------------------------------------------------
-- The clients: owner, city, tier, status, industry, trading name and legal name.
-- slug gives the web domain (with the city's suffix) and the seed of every derived value.
-- ---------------------------------------------------------------------------------------
CREATE TEMP TABLE demo_client (
    slug text PRIMARY KEY,
    lang text NOT NULL,
    owner text NOT NULL,
    city text NOT NULL,
    tier text NOT NULL,
    status text NOT NULL,
    industry text NOT NULL,
    name text NOT NULL UNIQUE,
    legal_name text NOT NULL
) ON COMMIT DROP;

INSERT INTO demo_client VALUES
-- Istanbul Brands: mehmet.yilmaz
('bogazici-gida', 'tr', 'mehmet.yilmaz', 'Istanbul', 'growth', 'active', 'Food & Beverage', 'Boğaziçi Gıda', 'Boğaziçi Gıda Sanayi ve Ticaret A.Ş.'),
('anatolia-tekstil', 'tr', 'mehmet.yilmaz', 'Bursa', 'standard', 'active', 'Fashion', 'Anatolia Tekstil', 'Anatolia Tekstil Sanayi Ltd. Şti.'),
('kardelen-sut', 'tr', 'mehmet.yilmaz', 'Izmir', 'growth', 'active', 'FMCG', 'Kardelen Süt Ürünleri', 'Kardelen Süt Ürünleri A.Ş.'),
('marmara-otomotiv', 'tr', 'mehmet.yilmaz', 'Istanbul', 'key', 'active', 'Automotive', 'Marmara Otomotiv', 'Marmara Otomotiv Ticaret A.Ş.'),
('ege-turizm', 'tr', 'mehmet.yilmaz', 'Izmir', 'standard', 'active', 'Tourism', 'Ege Turizm', 'Ege Turizm ve Otelcilik A.Ş.'),
('lale-kozmetik', 'tr', 'mehmet.yilmaz', 'Istanbul', 'standard', 'active', 'Cosmetics', 'Lale Kozmetik', 'Lale Kozmetik Sanayi Ltd. Şti.'),
('camlica-cay', 'tr', 'mehmet.yilmaz', 'Istanbul', 'growth', 'active', 'FMCG', 'Çamlıca Çay', 'Çamlıca Çay İşletmeleri A.Ş.'),
('galata-mobilya', 'tr', 'mehmet.yilmaz', 'Istanbul', 'standard', 'active', 'Retail', 'Galata Mobilya', 'Galata Mobilya ve Dekorasyon Ltd. Şti.'),
('toros-un', 'tr', 'mehmet.yilmaz', 'Ankara', 'standard', 'dormant', 'Food & Beverage', 'Toros Un', 'Toros Un Sanayi A.Ş.'),
('doga-sigorta', 'tr', 'mehmet.yilmaz', 'Istanbul', 'growth', 'active', 'Insurance', 'Doğa Sigorta', 'Doğa Sigorta A.Ş.'),
('akdeniz-zeytinyagi', 'tr', 'mehmet.yilmaz', 'Antalya', 'standard', 'prospect', 'Food & Beverage', 'Akdeniz Zeytinyağı', 'Akdeniz Zeytinyağı Ltd. Şti.'),
('ozgur-elektronik', 'tr', 'mehmet.yilmaz', 'Istanbul', 'growth', 'active', 'Consumer Electronics', 'Özgür Elektronik', 'Özgür Elektronik Ticaret A.Ş.'),
('karadeniz-findik', 'tr', 'mehmet.yilmaz', 'Istanbul', 'standard', 'active', 'Food & Beverage', 'Karadeniz Fındık', 'Karadeniz Fındık İhracat A.Ş.'),
('nilufer-ayakkabi', 'tr', 'mehmet.yilmaz', 'Bursa', 'standard', 'lost', 'Fashion', 'Nilüfer Ayakkabı', 'Nilüfer Ayakkabı Ltd. Şti.'),
('bereket-market', 'tr', 'mehmet.yilmaz', 'Istanbul', 'key', 'active', 'Retail', 'Bereket Market', 'Bereket Perakende Mağazacılık A.Ş.'),
('gunes-enerji', 'tr', 'mehmet.yilmaz', 'Ankara', 'standard', 'prospect', 'Energy', 'Güneş Enerji Sistemleri', 'Güneş Enerji Sistemleri Sanayi ve Ticaret Ltd. Şti.'),
('tuna-lojistik', 'tr', 'mehmet.yilmaz', 'Istanbul', 'standard', 'lost', 'Logistics', 'Tuna Lojistik', 'Tuna Lojistik Hizmetleri A.Ş.'),
('hisar-dondurma', 'tr', 'mehmet.yilmaz', 'Istanbul', 'growth', 'active', 'Food & Beverage', 'Hisar Dondurma', 'Hisar Dondurma Gıda Ltd. Şti.'),
('vadi-su', 'tr', 'mehmet.yilmaz', 'Bursa', 'standard', 'dormant', 'FMCG', 'Vadi Su', 'Vadi Doğal Kaynak Suyu A.Ş.'),
('sultan-lokum', 'tr', 'mehmet.yilmaz', 'Istanbul', 'standard', 'dormant', 'Food & Beverage', 'Sultan Lokum', 'Sultan Şekerleme Ltd. Şti.'),
('anka-egitim', 'tr', 'mehmet.yilmaz', 'Ankara', 'standard', 'prospect', 'Education', 'Anka Eğitim Kurumları', 'Anka Eğitim Hizmetleri A.Ş.'),
('defne-kahve', 'tr', 'mehmet.yilmaz', 'Izmir', 'growth', 'active', 'Food & Beverage', 'Defne Kahve', 'Defne Kahve Dükkânları Ltd. Şti.'),
('northwind-foods', 'en', 'mehmet.yilmaz', 'London', 'growth', 'active', 'Food & Beverage', 'Northwind Foods', 'Northwind Foods Ltd'),
('brightwave', 'en', 'mehmet.yilmaz', 'New York', 'standard', 'prospect', 'Telecoms', 'Brightwave Telecom', 'Brightwave Communications LLC'),
('evergreen-hotels', 'en', 'mehmet.yilmaz', 'London', 'growth', 'active', 'Tourism', 'Evergreen Hotels', 'Evergreen Hotels & Resorts Ltd'),
('redwood-coffee', 'en', 'mehmet.yilmaz', 'San Francisco', 'standard', 'prospect', 'Food & Beverage', 'Redwood Coffee Co.', 'Redwood Coffee Company LLC'),
('silverline', 'en', 'mehmet.yilmaz', 'Manchester', 'standard', 'dormant', 'Consumer Electronics', 'Silverline Electronics', 'Silverline Electronics Ltd'),
('windsor-tea', 'en', 'mehmet.yilmaz', 'London', 'standard', 'active', 'FMCG', 'Windsor Tea Company', 'Windsor Tea Co. Ltd'),
-- Istanbul Brands: layla.mansour
('alwaha-foods', 'ar', 'layla.mansour', 'Dubai', 'growth', 'active', 'Food & Beverage', 'الواحة للأغذية', 'شركة الواحة للصناعات الغذائية ذ.م.م'),
('alnada-dairy', 'ar', 'layla.mansour', 'Riyadh', 'growth', 'active', 'FMCG', 'ألبان الندى', 'شركة ألبان الندى ذ.م.م'),
('otour-alsharq', 'ar', 'layla.mansour', 'Dubai', 'standard', 'active', 'Cosmetics', 'عطور الشرق', 'عطور الشرق للتجارة ذ.م.م'),
('alsaqr-motors', 'ar', 'layla.mansour', 'Abu Dhabi', 'key', 'active', 'Automotive', 'سيارات الصقر', 'الصقر لتجارة السيارات ذ.م.م'),
('alluluah-hotels', 'ar', 'layla.mansour', 'Dubai', 'standard', 'active', 'Tourism', 'فنادق اللؤلؤة', 'اللؤلؤة للفنادق والمنتجعات ذ.م.م'),
('tumour-almadina', 'ar', 'layla.mansour', 'Riyadh', 'standard', 'active', 'Food & Beverage', 'تمور المدينة', 'شركة تمور المدينة ذ.م.م'),
('albaraka-markets', 'ar', 'layla.mansour', 'Amman', 'growth', 'active', 'Retail', 'أسواق البركة', 'أسواق البركة للتجزئة ذ.م.م'),
('halawiyat-alamir', 'ar', 'layla.mansour', 'Beirut', 'standard', 'active', 'Food & Beverage', 'حلويات الأمير', 'حلويات الأمير ش.م.م'),
('alshifa-hospitals', 'ar', 'layla.mansour', 'Cairo', 'standard', 'prospect', 'Healthcare', 'مستشفيات الشفاء', 'مستشفيات الشفاء التخصصية ش.م.م'),
('nabulsi-soap', 'ar', 'layla.mansour', 'Amman', 'standard', 'dormant', 'Cosmetics', 'صابون نابلسي أصيل', 'مصنع الصابون النابلسي الأصيل ذ.م.م'),
('alhail-tea', 'ar', 'layla.mansour', 'Dubai', 'standard', 'dormant', 'FMCG', 'شاي الهيل', 'شركة شاي الهيل للتجارة ذ.م.م'),
('dana-jewellery', 'ar', 'layla.mansour', 'Dubai', 'growth', 'active', 'Retail', 'دانة للمجوهرات', 'دانة للمجوهرات ذ.م.م'),
('alsahra-travel', 'ar', 'layla.mansour', 'Riyadh', 'standard', 'lost', 'Tourism', 'الصحراء للسياحة والسفر', 'الصحراء للسياحة والسفر ذ.م.م'),
('alhilal-pharma', 'ar', 'layla.mansour', 'Cairo', 'growth', 'active', 'Pharmaceuticals', 'الهلال للأدوية', 'شركة الهلال للصناعات الدوائية ش.م.م'),
('likya-yat', 'tr', 'layla.mansour', 'Antalya', 'standard', 'active', 'Tourism', 'Likya Yat Turizm', 'Likya Yatçılık ve Turizm Ltd. Şti.'),
('selvi-hali', 'tr', 'layla.mansour', 'Istanbul', 'standard', 'lost', 'Retail', 'Selvi Halı', 'Selvi Halı Dokuma Ltd. Şti.'),
('cinar-hastaneleri', 'tr', 'layla.mansour', 'Istanbul', 'growth', 'active', 'Healthcare', 'Çınar Hastaneleri', 'Çınar Sağlık Hizmetleri A.Ş.'),
('bozkir-et', 'tr', 'layla.mansour', 'Ankara', 'standard', 'prospect', 'Food & Beverage', 'Bozkır Et', 'Bozkır Et ve Et Ürünleri A.Ş.'),
('ayvalik-sabun', 'tr', 'layla.mansour', 'Izmir', 'standard', 'active', 'Cosmetics', 'Ayvalık Sabun', 'Ayvalık Doğal Sabun Ltd. Şti.'),
('dilek-oyuncak', 'tr', 'layla.mansour', 'Istanbul', 'standard', 'prospect', 'Retail', 'Dilek Oyuncak', 'Dilek Oyuncak Sanayi Ltd. Şti.'),
('rota-mobil', 'tr', 'layla.mansour', 'Istanbul', 'growth', 'prospect', 'Telecoms', 'Rota Mobil', 'Rota Mobil İletişim A.Ş.'),
('inci-eczane', 'tr', 'layla.mansour', 'Izmir', 'standard', 'dormant', 'Retail', 'İnci Eczaneleri', 'İnci Sağlık Ürünleri Ltd. Şti.'),
-- Istanbul Brands: omar.khalil
('sahab-telecom', 'ar', 'omar.khalil', 'Abu Dhabi', 'key', 'active', 'Telecoms', 'سحاب للاتصالات', 'سحاب للاتصالات ش.م.ع'),
('alriyada-bank', 'ar', 'omar.khalil', 'Dubai', 'key', 'active', 'Banking', 'مصرف الريادة', 'مصرف الريادة ش.م.ع'),
('alreem-realestate', 'ar', 'omar.khalil', 'Abu Dhabi', 'growth', 'active', 'Real Estate', 'الريم للعقارات', 'الريم للتطوير العقاري ذ.م.م'),
('dar-alazyaa', 'ar', 'omar.khalil', 'Dubai', 'standard', 'active', 'Fashion', 'دار الأزياء', 'دار الأزياء للملابس الجاهزة ذ.م.م'),
('alnoor-electronics', 'ar', 'omar.khalil', 'Riyadh', 'growth', 'active', 'Consumer Electronics', 'النور للإلكترونيات', 'شركة النور للإلكترونيات ذ.م.م'),
('alufuq-air', 'ar', 'omar.khalil', 'Dubai', 'growth', 'prospect', 'Airlines', 'طيران الأفق', 'طيران الأفق ذ.م.م'),
('alfajr-insurance', 'ar', 'omar.khalil', 'Riyadh', 'standard', 'active', 'Insurance', 'الفجر للتأمين', 'شركة الفجر للتأمين التعاوني ذ.م.م'),
('alyanabee-water', 'ar', 'omar.khalil', 'Riyadh', 'standard', 'active', 'FMCG', 'مياه الينابيع', 'شركة مياه الينابيع الصحية ذ.م.م'),
('mustaqbal-education', 'ar', 'omar.khalil', 'Cairo', 'standard', 'prospect', 'Education', 'أكاديمية المستقبل', 'أكاديمية المستقبل للتعليم ش.م.م'),
('alrowad-logistics', 'ar', 'omar.khalil', 'Dubai', 'standard', 'active', 'Logistics', 'الرواد للخدمات اللوجستية', 'الرواد للخدمات اللوجستية ذ.م.م'),
('zaitoun-dhahabi', 'ar', 'omar.khalil', 'Amman', 'standard', 'active', 'Food & Beverage', 'الزيتون الذهبي', 'شركة الزيتون الذهبي ذ.م.م'),
('alarz-trading', 'ar', 'omar.khalil', 'Beirut', 'standard', 'dormant', 'Retail', 'الأرز للتجارة', 'مجموعة الأرز للتجارة ش.م.م'),
('khaleej-solar', 'ar', 'omar.khalil', 'Abu Dhabi', 'standard', 'prospect', 'Energy', 'الخليج للطاقة الشمسية', 'الخليج للطاقة الشمسية ذ.م.م'),
('bawabat-tasawoq', 'ar', 'omar.khalil', 'Dubai', 'growth', 'active', 'E-commerce', 'بوابة التسوق', 'بوابة التسوق الإلكتروني ذ.م.م'),
('alsonbola-restaurants', 'ar', 'omar.khalil', 'Cairo', 'standard', 'lost', 'Food & Beverage', 'مطاعم السنبلة', 'مطاعم السنبلة ش.م.م'),
('alforsan-detergents', 'ar', 'omar.khalil', 'Riyadh', 'standard', 'lost', 'FMCG', 'الفرسان للمنظفات', 'مصنع الفرسان للمنظفات ذ.م.م'),
('atlas-logistics', 'en', 'omar.khalil', 'Chicago', 'standard', 'active', 'Logistics', 'Atlas Logistics', 'Atlas Freight & Logistics LLC'),
('meridian-travel', 'en', 'omar.khalil', 'London', 'growth', 'active', 'Tourism', 'Meridian Travel', 'Meridian Travel Group Ltd'),
('lumen-beauty', 'en', 'omar.khalil', 'New York', 'standard', 'prospect', 'Cosmetics', 'Lumen Cosmetics', 'Lumen Beauty Inc.'),
('stonebridge', 'en', 'omar.khalil', 'London', 'standard', 'prospect', 'Real Estate', 'Stonebridge Properties', 'Stonebridge Properties Ltd'),
-- Istanbul Brands: fatima.haddad (manager, key accounts)
('yildiz-bankasi', 'tr', 'fatima.haddad', 'Istanbul', 'key', 'active', 'Banking', 'Yıldız Bankası', 'Yıldız Katılım Bankası A.Ş.'),
('kuzey-telekom', 'tr', 'fatima.haddad', 'Istanbul', 'key', 'active', 'Telecoms', 'Kuzey Telekom', 'Kuzey Telekomünikasyon Hizmetleri A.Ş.'),
('kartal-havayollari', 'tr', 'fatima.haddad', 'Istanbul', 'key', 'active', 'Airlines', 'Kartal Havayolları', 'Kartal Havayolları A.Ş.'),
('metropol-avm', 'tr', 'fatima.haddad', 'Istanbul', 'growth', 'active', 'Real Estate', 'Metropol AVM', 'Metropol Alışveriş Merkezleri A.Ş.'),
('fairouz-markets', 'ar', 'fatima.haddad', 'Dubai', 'key', 'active', 'Retail', 'أسواق الفيروز', 'مجموعة أسواق الفيروز ذ.م.م'),
('bayt-aloud', 'ar', 'fatima.haddad', 'Dubai', 'growth', 'active', 'Cosmetics', 'بيت العود', 'بيت العود للعطور ذ.م.م'),
('najmat-alsabah', 'ar', 'fatima.haddad', 'Riyadh', 'growth', 'active', 'Food & Beverage', 'نجمة الصباح للمخبوزات', 'شركة نجمة الصباح للمخبوزات ذ.م.م'),
('alasala-carpets', 'ar', 'fatima.haddad', 'Amman', 'standard', 'dormant', 'Retail', 'الأصالة للسجاد', 'الأصالة للسجاد والمفروشات ذ.م.م'),
('harbour-financial', 'en', 'fatima.haddad', 'New York', 'key', 'active', 'Banking', 'Harbour Financial', 'Harbour Financial Group Inc.'),
('oakridge-pharma', 'en', 'fatima.haddad', 'Chicago', 'growth', 'active', 'Pharmaceuticals', 'Oakridge Pharmaceuticals', 'Oakridge Pharmaceuticals Inc.'),
-- Milano Retail: giulia.rossi
('pastificio-moretti', 'it', 'giulia.rossi', 'Bologna', 'key', 'active', 'Food & Beverage', 'Pastificio Fratelli Moretti', 'Pastificio Fratelli Moretti S.p.A.'),
('caffe-aurora', 'it', 'giulia.rossi', 'Torino', 'growth', 'active', 'Food & Beverage', 'Caffè Aurora', 'Torrefazione Aurora S.r.l.'),
('lanificio-biellese', 'it', 'giulia.rossi', 'Torino', 'growth', 'active', 'Fashion', 'Lanificio Biellese', 'Lanificio Biellese S.p.A.'),
('cantine-colle-alto', 'it', 'giulia.rossi', 'Verona', 'standard', 'active', 'Food & Beverage', 'Cantine Colle Alto', 'Cantine Colle Alto S.r.l.'),
('dolce-vita-gelati', 'it', 'giulia.rossi', 'Milano', 'standard', 'active', 'Food & Beverage', 'Gelateria Dolce Vita', 'Dolce Vita Gelati S.r.l.'),
('ottica-visconti', 'it', 'giulia.rossi', 'Milano', 'standard', 'active', 'Retail', 'Ottica Visconti', 'Ottica Visconti S.r.l.'),
('costiera-hotels', 'it', 'giulia.rossi', 'Napoli', 'standard', 'active', 'Tourism', 'Hotel Costiera', 'Costiera Hotels S.r.l.'),
('salumificio-trebbia', 'it', 'giulia.rossi', 'Bologna', 'standard', 'dormant', 'Food & Beverage', 'Salumificio Val Trebbia', 'Salumificio Val Trebbia S.r.l.'),
('calzaturificio-brenta', 'it', 'giulia.rossi', 'Verona', 'standard', 'active', 'Fashion', 'Calzaturificio Brenta', 'Calzaturificio Brenta S.r.l.'),
('mobilificio-brianza', 'it', 'giulia.rossi', 'Milano', 'growth', 'active', 'Retail', 'Mobilificio Brianza', 'Mobilificio Brianza S.r.l.'),
('profumeria-giardino', 'it', 'giulia.rossi', 'Milano', 'standard', 'prospect', 'Cosmetics', 'Profumeria Giardino', 'Profumeria Giardino S.r.l.'),
('cicli-lombardi', 'it', 'giulia.rossi', 'Milano', 'standard', 'dormant', 'Retail', 'Cicli Lombardi', 'Cicli Lombardi S.r.l.'),
('biscottificio-nonna-rosa', 'it', 'giulia.rossi', 'Napoli', 'growth', 'active', 'Food & Beverage', 'Biscottificio Nonna Rosa', 'Biscottificio Nonna Rosa S.r.l.'),
('scuolapiu', 'it', 'giulia.rossi', 'Roma', 'standard', 'prospect', 'Education', 'ScuolaPiù Formazione', 'ScuolaPiù Formazione S.r.l.'),
('elettrodomestici-zanetti', 'it', 'giulia.rossi', 'Bologna', 'growth', 'active', 'Home Appliances', 'Elettrodomestici Zanetti', 'Zanetti Elettrodomestici S.p.A.'),
('latteria-valtellina', 'it', 'giulia.rossi', 'Milano', 'standard', 'active', 'FMCG', 'Latteria Valtellina', 'Latteria Sociale Valtellina S.r.l.'),
('birrificio-navigli', 'it', 'giulia.rossi', 'Milano', 'standard', 'lost', 'Food & Beverage', 'Birrificio dei Navigli', 'Birrificio dei Navigli S.r.l.'),
('gioielleria-fontana', 'it', 'giulia.rossi', 'Roma', 'standard', 'lost', 'Retail', 'Gioielleria Fontana', 'Gioielleria Fontana S.r.l.'),
('riseria-lomellina', 'it', 'giulia.rossi', 'Milano', 'standard', 'dormant', 'FMCG', 'Riseria Lomellina', 'Riseria Lomellina S.r.l.'),
('libreria-portici', 'it', 'giulia.rossi', 'Bologna', 'standard', 'prospect', 'Retail', 'Libreria dei Portici', 'Libreria dei Portici S.r.l.'),
('bluebell-dairy', 'en', 'giulia.rossi', 'Manchester', 'growth', 'active', 'FMCG', 'Bluebell Dairy', 'Bluebell Dairy Ltd'),
('maple-oak', 'en', 'giulia.rossi', 'Chicago', 'standard', 'active', 'Retail', 'Maple & Oak Home', 'Maple & Oak Home Stores Inc.'),
('greenfield-organics', 'en', 'giulia.rossi', 'San Francisco', 'standard', 'prospect', 'Food & Beverage', 'Greenfield Organics', 'Greenfield Organics LLC'),
('fairway-apparel', 'en', 'giulia.rossi', 'London', 'standard', 'active', 'Fashion', 'Fairway Sportswear', 'Fairway Apparel Ltd'),
('copperfield-toys', 'en', 'giulia.rossi', 'Manchester', 'standard', 'dormant', 'Retail', 'Copperfield Toys', 'Copperfield Toys Ltd'),
('hartwell-jewellers', 'en', 'giulia.rossi', 'London', 'standard', 'active', 'Retail', 'Hartwell Jewellers', 'Hartwell Jewellers Ltd'),
-- Milano Retail: luca.ferrari
('motori-ferraresi', 'it', 'luca.ferrari', 'Bologna', 'growth', 'active', 'Automotive', 'Motori Ferraresi', 'Motori Ferraresi S.p.A.'),
('assicurazioni-duomo', 'it', 'luca.ferrari', 'Milano', 'growth', 'active', 'Insurance', 'Assicurazioni Duomo', 'Duomo Assicurazioni S.p.A.'),
('farmacie-lombarde', 'it', 'luca.ferrari', 'Milano', 'standard', 'active', 'Healthcare', 'Farmacie Lombarde', 'Farmacie Comunali Lombarde S.p.A.'),
('terre-di-puglia', 'it', 'luca.ferrari', 'Napoli', 'standard', 'active', 'Food & Beverage', 'Olio Terre di Puglia', 'Terre di Puglia S.r.l.'),
('fonte-valsassina', 'it', 'luca.ferrari', 'Milano', 'growth', 'active', 'FMCG', 'Fonte Valsassina', 'Acque Minerali Valsassina S.p.A.'),
('verde-casa', 'it', 'luca.ferrari', 'Roma', 'standard', 'prospect', 'Real Estate', 'Verde Casa', 'Edilizia Verde Casa S.r.l.'),
('viaggi-mediterraneo', 'it', 'luca.ferrari', 'Roma', 'standard', 'active', 'Tourism', 'Viaggi Mediterraneo', 'Viaggi Mediterraneo Tour Operator S.r.l.'),
('ceramiche-faentine', 'it', 'luca.ferrari', 'Bologna', 'standard', 'active', 'Retail', 'Ceramiche Faentine', 'Ceramiche Faentine S.p.A.'),
('energia-padana', 'it', 'luca.ferrari', 'Milano', 'growth', 'prospect', 'Energy', 'Energia Padana', 'Energia Padana S.p.A.'),
('trasporti-rapidi', 'it', 'luca.ferrari', 'Milano', 'standard', 'lost', 'Logistics', 'Trasporti Rapidi Lombardi', 'Trasporti Rapidi Lombardi S.r.l.'),
('pasticceria-san-babila', 'it', 'luca.ferrari', 'Milano', 'standard', 'active', 'Food & Beverage', 'Pasticceria San Babila', 'Pasticceria San Babila S.r.l.'),
('occhiali-cadore', 'it', 'luca.ferrari', 'Verona', 'standard', 'dormant', 'Fashion', 'Occhiali Cadore', 'Occhiali Cadore S.p.A.'),
('italia-express', 'it', 'luca.ferrari', 'Torino', 'standard', 'active', 'Automotive', 'Italia Express Noleggio', 'Autonoleggio Italia Express S.r.l.'),
('santa-chiara', 'it', 'luca.ferrari', 'Napoli', 'standard', 'prospect', 'Healthcare', 'Poliambulatorio Santa Chiara', 'Poliambulatorio Santa Chiara S.r.l.'),
('sartoria-esposito', 'it', 'luca.ferrari', 'Napoli', 'standard', 'active', 'Fashion', 'Sartoria Esposito', 'Sartoria Napoletana Esposito S.r.l.'),
('girotondo-giocattoli', 'it', 'luca.ferrari', 'Torino', 'standard', 'lost', 'Retail', 'Girotondo Giocattoli', 'Girotondo Giocattoli S.r.l.'),
('summit-motors', 'en', 'luca.ferrari', 'Chicago', 'growth', 'active', 'Automotive', 'Summit Motors', 'Summit Motors Inc.'),
('crestline-insurance', 'en', 'luca.ferrari', 'New York', 'standard', 'active', 'Insurance', 'Crestline Insurance', 'Crestline Insurance Co.'),
('clearwater-beverages', 'en', 'luca.ferrari', 'New York', 'growth', 'active', 'FMCG', 'Clearwater Beverages', 'Clearwater Beverages Inc.'),
('quantum-learning', 'en', 'luca.ferrari', 'Chicago', 'standard', 'prospect', 'Education', 'Quantum Learning', 'Quantum Learning Systems Inc.'),
('highland-spirits', 'en', 'luca.ferrari', 'Edinburgh', 'standard', 'prospect', 'Food & Beverage', 'Highland Spirits', 'Highland Spirits Distillers Ltd'),
('parkside-pharmacy', 'en', 'luca.ferrari', 'Manchester', 'standard', 'active', 'Healthcare', 'Parkside Pharmacy', 'Parkside Pharmacy Group Ltd'),
-- Milano Retail: marco.bianchi (manager, key accounts)
('banca-naviglio', 'it', 'marco.bianchi', 'Milano', 'key', 'active', 'Banking', 'Banca Popolare del Naviglio', 'Banca Popolare del Naviglio S.p.A.'),
('supermercati-sole', 'it', 'marco.bianchi', 'Milano', 'key', 'active', 'Retail', 'Supermercati Sole', 'Sole Distribuzione S.p.A.'),
('alpina-comunicazioni', 'it', 'marco.bianchi', 'Torino', 'key', 'active', 'Telecoms', 'Telecom Alpina', 'Alpina Comunicazioni S.p.A.'),
('langhe-alte', 'it', 'marco.bianchi', 'Torino', 'growth', 'active', 'Food & Beverage', 'Cantina Langhe Alte', 'Cantina Langhe Alte S.r.l.'),
('atelier-brera', 'it', 'marco.bianchi', 'Milano', 'growth', 'active', 'Fashion', 'Atelier Brera', 'Atelier Brera Moda S.p.A.'),
('risotteria-italiana', 'it', 'marco.bianchi', 'Milano', 'growth', 'prospect', 'Food & Beverage', 'Risotteria Italiana', 'Risotteria Italiana S.r.l.'),
('kingsway-retail', 'en', 'marco.bianchi', 'London', 'key', 'active', 'Retail', 'Kingsway Retail', 'Kingsway Retail Group Ltd'),
('blue-horizon', 'en', 'marco.bianchi', 'London', 'growth', 'active', 'Airlines', 'Blue Horizon Airways', 'Blue Horizon Airways Ltd'),
('wellspring-health', 'en', 'marco.bianchi', 'New York', 'growth', 'active', 'Healthcare', 'Wellspring Health', 'Wellspring Healthcare Inc.'),
('nova-mobile', 'en', 'marco.bianchi', 'San Francisco', 'key', 'prospect', 'Telecoms', 'Nova Mobile', 'Nova Mobile Inc.'),
-- Shanghai Digital: zhang.min
('donghai-dairy', 'zh', 'zhang.min', 'Shanghai', 'growth', 'active', 'FMCG', '东海乳业', '上海东海乳业有限公司'),
('shenjiang-auto', 'zh', 'zhang.min', 'Shanghai', 'growth', 'active', 'Automotive', '申江汽车', '上海申江汽车销售服务有限公司'),
('jinxiu-travel', 'zh', 'zhang.min', 'Shanghai', 'standard', 'active', 'Tourism', '锦绣旅游', '上海锦绣国际旅行社有限公司'),
('xinwei-foods', 'zh', 'zhang.min', 'Shanghai', 'growth', 'active', 'Food & Beverage', '新味食品', '新味食品股份有限公司'),
('baihe-cosmetics', 'zh', 'zhang.min', 'Hangzhou', 'standard', 'active', 'Cosmetics', '百合化妆品', '杭州百合化妆品有限公司'),
('yunding-tea', 'zh', 'zhang.min', 'Hangzhou', 'standard', 'active', 'FMCG', '云顶茶业', '杭州云顶茶业有限公司'),
('xingchen-electronics', 'zh', 'zhang.min', 'Shenzhen', 'growth', 'active', 'Consumer Electronics', '星辰电子', '深圳星辰电子科技有限公司'),
('huimin-supermarket', 'zh', 'zhang.min', 'Shanghai', 'standard', 'active', 'Retail', '惠民超市', '上海惠民超市连锁有限公司'),
('shunda-logistics', 'zh', 'zhang.min', 'Shanghai', 'standard', 'dormant', 'Logistics', '顺达物流', '上海顺达物流有限公司'),
('jiangnan-textile', 'zh', 'zhang.min', 'Hangzhou', 'standard', 'active', 'Fashion', '江南纺织', '江南纺织服饰股份有限公司'),
('tianfu-hotpot', 'zh', 'zhang.min', 'Chengdu', 'growth', 'active', 'Food & Beverage', '天府火锅', '成都天府餐饮管理有限公司'),
('zhixue-education', 'zh', 'zhang.min', 'Beijing', 'standard', 'prospect', 'Education', '智学教育', '北京智学教育科技有限公司'),
('youpin-online', 'zh', 'zhang.min', 'Hangzhou', 'growth', 'active', 'E-commerce', '优品网', '杭州优品网络科技有限公司'),
('hongyun-jewellery', 'zh', 'zhang.min', 'Shenzhen', 'standard', 'active', 'Retail', '鸿运珠宝', '深圳鸿运珠宝有限公司'),
('taihu-aquatic', 'zh', 'zhang.min', 'Shanghai', 'standard', 'lost', 'Food & Beverage', '太湖水产', '上海太湖水产有限公司'),
('jinsui-grain', 'zh', 'zhang.min', 'Guangzhou', 'standard', 'active', 'FMCG', '金穗粮油', '广州金穗粮油股份有限公司'),
('xiaoxiong-toys', 'zh', 'zhang.min', 'Guangzhou', 'standard', 'lost', 'Retail', '小熊玩具', '广州小熊玩具有限公司'),
('yaju-home', 'zh', 'zhang.min', 'Guangzhou', 'standard', 'dormant', 'Retail', '雅居家居', '广州雅居家居用品有限公司'),
('meiweifang-bakery', 'zh', 'zhang.min', 'Shanghai', 'standard', 'active', 'Food & Beverage', '美味坊烘焙', '上海美味坊食品有限公司'),
('renhetang-pharmacy', 'zh', 'zhang.min', 'Shanghai', 'standard', 'prospect', 'Healthcare', '仁和堂大药房', '上海仁和堂大药房连锁有限公司'),
('xianda-fresh', 'zh', 'zhang.min', 'Shanghai', 'growth', 'active', 'E-commerce', '鲜达生鲜', '上海鲜达电子商务有限公司'),
('ruixue-apparel', 'zh', 'zhang.min', 'Hangzhou', 'standard', 'dormant', 'Fashion', '瑞雪服饰', '杭州瑞雪服饰有限公司'),
('sunrise-cereals', 'en', 'zhang.min', 'Chicago', 'standard', 'prospect', 'FMCG', 'Sunrise Cereals', 'Sunrise Cereals Co.'),
('golden-gate-bakeries', 'en', 'zhang.min', 'San Francisco', 'standard', 'active', 'Food & Beverage', 'Golden Gate Bakeries', 'Golden Gate Bakeries LLC'),
('bayview-seafood', 'en', 'zhang.min', 'San Francisco', 'standard', 'prospect', 'Food & Beverage', 'Bayview Seafood', 'Bayview Seafood Co.'),
('orbit-online', 'en', 'zhang.min', 'New York', 'growth', 'active', 'E-commerce', 'Orbit E-Commerce', 'Orbit Online Retail Inc.'),
-- Shanghai Digital: wang.fang
('haina-appliances', 'zh', 'wang.fang', 'Guangzhou', 'growth', 'active', 'Home Appliances', '海纳电器', '广州海纳电器股份有限公司'),
('lvyuan-juice', 'zh', 'wang.fang', 'Shanghai', 'standard', 'active', 'FMCG', '绿源果汁', '上海绿源饮品有限公司'),
('bund-hotels', 'zh', 'wang.fang', 'Shanghai', 'growth', 'active', 'Tourism', '外滩酒店', '上海外滩酒店管理有限公司'),
('ruifeng-insurance', 'zh', 'wang.fang', 'Shanghai', 'growth', 'active', 'Insurance', '瑞丰保险', '瑞丰人寿保险股份有限公司'),
('kangtai-pharma', 'zh', 'wang.fang', 'Beijing', 'standard', 'active', 'Pharmaceuticals', '康泰医药', '北京康泰医药股份有限公司'),
('zhaoyang-energy', 'zh', 'wang.fang', 'Shenzhen', 'standard', 'prospect', 'Energy', '朝阳新能源', '深圳朝阳新能源科技有限公司'),
('yuedong-sports', 'zh', 'wang.fang', 'Guangzhou', 'standard', 'active', 'Fashion', '悦动体育', '广州悦动体育用品有限公司'),
('guzhen-liquor', 'zh', 'wang.fang', 'Chengdu', 'growth', 'active', 'Food & Beverage', '古镇酒业', '四川古镇酒业股份有限公司'),
('dingxin-telecom', 'zh', 'wang.fang', 'Shenzhen', 'standard', 'active', 'Telecoms', '鼎信通信', '深圳鼎信通信技术有限公司'),
('changjiang-rental', 'zh', 'wang.fang', 'Shanghai', 'standard', 'dormant', 'Automotive', '长江租车', '上海长江汽车租赁有限公司'),
('ankang-hospitals', 'zh', 'wang.fang', 'Beijing', 'standard', 'prospect', 'Healthcare', '安康医院', '北京安康医院管理有限公司'),
('xueshan-water', 'zh', 'wang.fang', 'Chengdu', 'standard', 'active', 'FMCG', '雪山矿泉水', '四川雪山矿泉水有限公司'),
('beibei-baby', 'zh', 'wang.fang', 'Shanghai', 'growth', 'active', 'Retail', '贝贝母婴', '上海贝贝母婴用品有限公司'),
('xinchao-digital', 'zh', 'wang.fang', 'Shenzhen', 'standard', 'active', 'Consumer Electronics', '新潮数码', '深圳新潮数码商城有限公司'),
('huitong-pay', 'zh', 'wang.fang', 'Shanghai', 'growth', 'prospect', 'Banking', '汇通支付', '上海汇通支付服务有限公司'),
('yanshan-beer', 'zh', 'wang.fang', 'Beijing', 'standard', 'active', 'Food & Beverage', '燕山啤酒', '北京燕山啤酒股份有限公司'),
('xiangmanyuan', 'zh', 'wang.fang', 'Shanghai', 'standard', 'dormant', 'Food & Beverage', '香满园餐饮', '上海香满园餐饮管理有限公司'),
('jingui-property', 'zh', 'wang.fang', 'Hangzhou', 'standard', 'lost', 'Real Estate', '金桂置业', '杭州金桂置业有限公司'),
('mingxuan-furniture', 'zh', 'wang.fang', 'Hangzhou', 'standard', 'active', 'Retail', '明轩家具', '杭州明轩家具有限公司'),
('huayu-beauty', 'zh', 'wang.fang', 'Shanghai', 'standard', 'active', 'Cosmetics', '花语美妆', '上海花语美妆有限公司'),
('pinecrest-outdoor', 'en', 'wang.fang', 'San Francisco', 'standard', 'prospect', 'Retail', 'Pinecrest Outdoor', 'Pinecrest Outdoor Gear Inc.'),
('westbrook-pet', 'en', 'wang.fang', 'Chicago', 'standard', 'active', 'FMCG', 'Westbrook Pet Foods', 'Westbrook Pet Foods LLC'),
-- Shanghai Digital: chen.jing (manager, key accounts)
('pujiang-bank', 'zh', 'chen.jing', 'Shanghai', 'key', 'active', 'Banking', '浦江银行', '上海浦江商业银行股份有限公司'),
('changfeng-telecom', 'zh', 'chen.jing', 'Shanghai', 'key', 'active', 'Telecoms', '长风电信', '长风电信股份有限公司'),
('lantian-airlines', 'zh', 'chen.jing', 'Shanghai', 'key', 'active', 'Airlines', '蓝天航空', '蓝天航空股份有限公司'),
('huaxia-motors', 'zh', 'chen.jing', 'Beijing', 'key', 'active', 'Automotive', '华夏汽车', '华夏汽车集团股份有限公司'),
('xinyue-plaza', 'zh', 'chen.jing', 'Shanghai', 'growth', 'active', 'Real Estate', '新悦广场', '上海新悦商业广场有限公司'),
('jiahe-dairy', 'zh', 'chen.jing', 'Beijing', 'growth', 'active', 'FMCG', '嘉禾乳业', '北京嘉禾乳业股份有限公司'),
('apex-energy', 'en', 'chen.jing', 'New York', 'growth', 'active', 'Energy', 'Apex Energy', 'Apex Renewable Energy Inc.'),
('riverside-automotive', 'en', 'chen.jing', 'Manchester', 'standard', 'active', 'Automotive', 'Riverside Motors', 'Riverside Automotive Ltd'),
('lakeshore-hotels', 'en', 'chen.jing', 'Chicago', 'growth', 'active', 'Tourism', 'Lakeshore Hotels', 'Lakeshore Hotels & Resorts Inc.'),
('pearlwhite', 'en', 'chen.jing', 'London', 'key', 'active', 'FMCG', 'Pearlwhite', 'Pearlwhite Oral Care Ltd');

-- ---------------------------------------------------------------------------------------
-- Everything derived per client: owners (a third of the clients of the three newest AEs
-- were handed over to them from a colleague of the same team), dates, contact details.
-- ---------------------------------------------------------------------------------------
CREATE TEMP TABLE demo_row ON COMMIT DROP AS
SELECT d.*,
       u.id AS owner_id,
       tm.manager_id,
       d.slug || '.' || c.tld AS domain,
       pg_temp.demo_num(d.slug) AS seed,
       CASE WHEN d.status = 'prospect'
            THEN now() - make_interval(days => 100 + (pg_temp.demo_num(d.slug || ':created') % 60)::int)
            ELSE now() - make_interval(days => 200 + (pg_temp.demo_num(d.slug || ':created') % 1500)::int)
       END AS created_at,
       c.phone AS phone_pattern,
       c.mobile AS mobile_pattern,
       c.reg AS reg_pattern,
       c.addresses
  FROM demo_client d
  JOIN demo_city c ON c.city = d.city
  JOIN agency.users u ON u.username = d.owner
  JOIN agency.teams tm ON tm.id = u.team_id
 WHERE NOT EXISTS (SELECT 1 FROM agency.clients x WHERE x.name = d.name);

ALTER TABLE demo_row ADD COLUMN prev_owner_id bigint, ADD COLUMN handover_at timestamptz,
    ADD COLUMN archived_at timestamptz, ADD COLUMN archive_reason text, ADD COLUMN id bigint;

-- About half of the lost clients were archived by their team's manager, with the reason.
UPDATE demo_row r
   SET archived_at = now() - make_interval(days => 20 + (r.seed % 40)::int),
       archive_reason = CASE r.lang WHEN 'tr' THEN 'Müşteri başka bir ajansla anlaştı'
                                    WHEN 'ar' THEN 'انتقل العميل إلى وكالة أخرى'
                                    WHEN 'zh' THEN '客户已转投其他代理公司'
                                    WHEN 'it' THEN 'Il cliente è passato a un''altra agenzia'
                                    ELSE 'The client moved to another agency' END
 WHERE r.status = 'lost' AND r.seed % 2 = 0;

UPDATE demo_row r
   SET prev_owner_id = pg_temp.demo_pick(ARRAY(
           SELECT u.id::text FROM agency.users u
            WHERE u.team_id = (SELECT team_id FROM agency.users WHERE id = r.owner_id)
              AND u.id <> r.owner_id
              AND u.username NOT IN ('omar.khalil', 'luca.ferrari', 'wang.fang')
            ORDER BY u.username), r.slug || ':prev')::bigint,
       handover_at = now() - make_interval(days => 45 + (pg_temp.demo_num(r.slug || ':handover') % 100)::int,
                                           hours => (pg_temp.demo_num(r.slug || ':hh') % 8)::int)
 WHERE r.owner IN ('omar.khalil', 'luca.ferrari', 'wang.fang')
   AND r.status IN ('active', 'dormant')
   AND pg_temp.demo_num(r.slug || ':handover') % 3 = 0;

-- ---------------------------------------------------------------------------------------
-- Clients and the history of their owners. The triggers that keep the history stamp now();
-- the demo's history reaches back to each client's creation and handover, so it is written
-- here with those triggers (the enabled ones on clients whose function writes client_owners)
-- off for these inserts. All inside this transaction: a failure leaves them as they were.
-- ---------------------------------------------------------------------------------------
CREATE TEMP TABLE demo_history_trigger ON COMMIT DROP AS
SELECT t.tgname::text AS name
  FROM pg_trigger t
  JOIN pg_proc p ON p.oid = t.tgfoid
 WHERE t.tgrelid = 'agency.clients'::regclass AND NOT t.tgisinternal AND t.tgenabled <> 'D'
   AND p.prosrc ~* 'client_owners'
   AND EXISTS (SELECT 1 FROM demo_row);

DO $$
DECLARE
    t text;
BEGIN
    FOR t IN SELECT name FROM demo_history_trigger LOOP
        EXECUTE format('ALTER TABLE agency.clients DISABLE TRIGGER %I', t);
    END LOOP;
END $$;

WITH ins AS (
    INSERT INTO agency.clients (name, legal_name, registration_no, industry, tier, status, owner_id,
                                address, phone, email, website, notes, archived_at, archived_by,
                                archive_reason, created_at, created_by, updated_at)
    SELECT r.name, r.legal_name,
           CASE WHEN r.status = 'prospect' AND r.seed % 2 = 0 THEN NULL
                ELSE pg_temp.demo_fill(r.reg_pattern, r.slug || ':reg') END,
           r.industry, r.tier, r.status, r.owner_id,
           pg_temp.demo_fill(pg_temp.demo_pick(r.addresses, r.slug || ':addr'), r.slug || ':addr'),
           pg_temp.demo_fill(r.phone_pattern, r.slug || ':phone'),
           l.mailbox || '@' || r.domain,
           'https://www.' || r.domain,
           CASE WHEN r.seed % 2 = 0 THEN pg_temp.demo_pick(l.client_notes, r.slug || ':notes') END,
           r.archived_at,
           CASE WHEN r.archived_at IS NOT NULL THEN r.manager_id END,
           r.archive_reason,
           r.created_at, coalesce(r.prev_owner_id, r.owner_id),
           coalesce(r.archived_at, r.handover_at, r.created_at)
      FROM demo_row r
      JOIN demo_lang l ON l.lang = r.lang
     ORDER BY r.slug
    RETURNING id, name
)
UPDATE demo_row r SET id = ins.id FROM ins WHERE ins.name = r.name;

-- Created by the first owner; handed over by the team's manager to the newer AE.
INSERT INTO agency.client_owners (client_id, owner_id, valid_from, valid_to, assigned_by, reason)
SELECT h.client_id, h.owner_id, h.valid_from, h.valid_to, h.assigned_by, h.reason
  FROM (SELECT r.id AS client_id, coalesce(r.prev_owner_id, r.owner_id) AS owner_id,
               r.created_at AS valid_from, r.handover_at AS valid_to,
               coalesce(r.prev_owner_id, r.owner_id) AS assigned_by, 'created' AS reason
          FROM demo_row r
        UNION ALL
        SELECT r.id, r.owner_id, r.handover_at, NULL, r.manager_id,
               CASE r.owner WHEN 'omar.khalil' THEN 'Portföy dengesi: yeni müşteri temsilcisine devredildi'
                            WHEN 'luca.ferrari' THEN 'Riequilibrio del portafoglio: affidato al nuovo account'
                            ELSE '客户组合调整，移交新任客户执行' END
          FROM demo_row r
         WHERE r.prev_owner_id IS NOT NULL) h
 ORDER BY h.client_id, h.valid_from;

DO $$
DECLARE
    t text;
BEGIN
    FOR t IN SELECT name FROM demo_history_trigger LOOP
        EXECUTE format('ALTER TABLE agency.clients ENABLE TRIGGER %I', t);
    END LOOP;
END $$;

-- ---------------------------------------------------------------------------------------
-- Confidential notes: every key client and about a quarter of the others.
-- ---------------------------------------------------------------------------------------
INSERT INTO agency.client_secrets (client_id, confidential_notes, updated_at, updated_by)
SELECT r.id, pg_temp.demo_pick(l.secrets, r.slug || ':secret'),
       r.created_at + interval '30 days', r.owner_id
  FROM demo_row r
  JOIN demo_lang l ON l.lang = r.lang
 WHERE r.tier = 'key' OR r.seed % 4 = 1
ON CONFLICT (client_id) DO UPDATE
   SET confidential_notes = EXCLUDED.confidential_notes, updated_at = EXCLUDED.updated_at,
       updated_by = EXCLUDED.updated_by;

-- ---------------------------------------------------------------------------------------
-- Contacts: 3-4 at key clients, 2-3 at growth ones, 1-2 at the others; the marketing
-- director decides. Some who left the client are archived.
-- ---------------------------------------------------------------------------------------
CREATE TEMP TABLE demo_contact ON COMMIT DROP AS
SELECT r.id AS client_id, r.slug, r.lang, r.owner_id, coalesce(r.prev_owner_id, r.owner_id) AS creator,
       r.created_at, r.domain, r.mobile_pattern,
       i, n,
       (pg_temp.demo_num(r.slug || ':given') + i * 5) % 16 AS g,
       (pg_temp.demo_num(r.slug || ':family') + i * 7) % 16 AS f
  FROM demo_row r,
       LATERAL (SELECT CASE r.tier WHEN 'key' THEN 3 WHEN 'growth' THEN 2 ELSE 1 END
                       + (pg_temp.demo_num(r.slug || ':contacts') % 2)::int AS n) k,
       generate_series(1, k.n) AS i;

INSERT INTO agency.contacts (client_id, name, title, phone, email, decision_maker, notes,
                             archived_at, archived_by, archive_reason, created_at, created_by,
                             updated_at)
SELECT c.client_id,
       CASE WHEN l.family_first THEN l.family[2 * c.f + 1] || l.given[2 * c.g + 1]
            ELSE l.given[2 * c.g + 1] || ' ' || l.family[2 * c.f + 1] END,
       l.titles[c.i],
       pg_temp.demo_fill(c.mobile_pattern, c.slug || ':contact:' || c.i),
       l.given[2 * c.g + 2] || '.' || l.family[2 * c.f + 2] || '@' || c.domain,
       c.i = 1,
       NULL,
       CASE WHEN c.archived THEN now() - interval '40 days' END,
       CASE WHEN c.archived THEN c.owner_id END,
       CASE WHEN c.archived THEN CASE c.lang WHEN 'tr' THEN 'Şirketten ayrıldı'
                                           WHEN 'ar' THEN 'غادر الشركة'
                                           WHEN 'zh' THEN '已离职'
                                           WHEN 'it' THEN 'Ha lasciato l''azienda'
                                           ELSE 'Left the company' END END,
       c.created_at + make_interval(days => c.i * 3),
       c.creator,
       CASE WHEN c.archived THEN now() - interval '40 days'
            ELSE c.created_at + make_interval(days => c.i * 3) END
  FROM (SELECT dc.*, dc.i = dc.n AND dc.n >= 3 AND pg_temp.demo_num(dc.slug || ':left') % 3 = 0 AS archived
          FROM demo_contact dc) c
  JOIN demo_lang l ON l.lang = c.lang
 ORDER BY c.client_id, c.i;

-- ---------------------------------------------------------------------------------------
-- Six months of activities: a few per client and month (more for key clients, none lately
-- for dormant or lost ones, only recent ones for prospects). About two in five set a next
-- action; those due before today are done, except a handful left overdue.
-- ---------------------------------------------------------------------------------------
CREATE TEMP TABLE demo_activity ON COMMIT DROP AS
SELECT r.id AS client_id, r.lang, r.owner_id, r.prev_owner_id, r.handover_at, r.manager_id,
       m, s, r.slug || ':' || m || ':' || s AS akey,
       date_trunc('day', now())
         - make_interval(days => m * 30 + 1 + (pg_temp.demo_num(r.slug || ':' || m || ':' || s || ':day') % 29)::int)
         + make_interval(hours => 9 + (pg_temp.demo_num(r.slug || ':' || m || ':' || s || ':hour') % 9)::int,
                         mins => (pg_temp.demo_num(r.slug || ':' || m || ':' || s || ':min') % 4)::int * 15)
         AS occurred_at,
       (ARRAY['call', 'call', 'call', 'call', 'call', 'call', 'call', 'email', 'email', 'email',
              'email', 'email', 'meeting', 'meeting', 'meeting', 'meeting', 'visit', 'visit',
              'note', 'note'])[1 + pg_temp.demo_num(r.slug || ':' || m || ':' || s || ':kind') % 20]
         AS kind,
       NULL::date AS agenda_due
  FROM demo_row r,
       generate_series(0, 5) AS m,
       generate_series(1, CASE r.tier WHEN 'key' THEN 5 WHEN 'growth' THEN 4 ELSE 3 END) AS s
 WHERE pg_temp.demo_num(r.slug || ':' || m || ':' || s) % 4 <> 0
   AND CASE r.status WHEN 'prospect' THEN m <= 2
                     WHEN 'dormant' THEN m >= 2
                     WHEN 'lost' THEN m >= 3
                     ELSE true END;

-- mehmet.yilmaz, the demo AE, gets six follow-ups due this week and three overdue ones.
INSERT INTO demo_activity (client_id, lang, owner_id, manager_id, m, s, akey, occurred_at, kind,
                           agenda_due)
SELECT r.id, r.lang, r.owner_id, r.manager_id, 0, 0, r.slug || ':agenda',
       date_trunc('day', now()) + interval '10 hours 30 minutes'
           - make_interval(days => (CASE WHEN r.k <= 6 THEN 1 + r.k % 2 ELSE 8 + r.k END)::int),
       CASE WHEN r.k <= 6 THEN 'call' ELSE 'meeting' END,
       current_date + (ARRAY[0, 1, 2, 4, 5, 6, -2, -4, -7])[r.k]
  FROM (SELECT dr.*, row_number() OVER (ORDER BY dr.slug)::int AS k
          FROM demo_row dr
         WHERE dr.owner = 'mehmet.yilmaz' AND dr.status = 'active') r
 WHERE r.k <= 9;

-- Who logged it (the owner of the day; now and then the team's manager came to a meeting),
-- what was written, and the follow-up.
CREATE TEMP TABLE demo_activity2 ON COMMIT DROP AS
SELECT a.client_id, a.kind, a.occurred_at,
       CASE WHEN a.handover_at IS NOT NULL AND a.occurred_at < a.handover_at THEN a.prev_owner_id
            WHEN a.kind = 'meeting' AND a.manager_id <> a.owner_id
                 AND pg_temp.demo_num(a.akey || ':who') % 5 = 0 THEN a.manager_id
            ELSE a.owner_id END AS user_id,
       CASE a.kind WHEN 'call' THEN pg_temp.demo_pick(l.calls, a.akey || ':text')
                   WHEN 'email' THEN pg_temp.demo_pick(l.emails, a.akey || ':text')
                   WHEN 'meeting' THEN pg_temp.demo_pick(l.meetings, a.akey || ':text')
                   WHEN 'visit' THEN pg_temp.demo_pick(l.visits, a.akey || ':text')
                   ELSE pg_temp.demo_pick(l.notes, a.akey || ':text') END AS summary,
       pg_temp.demo_pick(l.next_actions, a.akey || ':action') AS action,
       CASE WHEN a.agenda_due IS NOT NULL THEN a.agenda_due
            WHEN a.kind <> 'note' AND pg_temp.demo_num(a.akey || ':next') % 5 < 2
            THEN a.occurred_at::date + 2 + (pg_temp.demo_num(a.akey || ':due') % 12)::int END AS next_due,
       a.agenda_due IS NOT NULL OR (a.m = 0 AND pg_temp.demo_num(a.akey || ':open') % 8 = 0) AS left_open,
       (pg_temp.demo_num(a.akey || ':done') % 6)::int AS done_hour
  FROM demo_activity a
  JOIN demo_lang l ON l.lang = a.lang;

INSERT INTO agency.activities (client_id, user_id, kind, summary, occurred_at, next_action,
                               next_due, done_at, done_by, created_at)
SELECT a.client_id, a.user_id, a.kind, a.summary, a.occurred_at,
       CASE WHEN a.next_due IS NOT NULL THEN a.action END,
       a.next_due,
       CASE WHEN a.done THEN least(a.next_due + make_interval(hours => 11 + a.done_hour),
                                   now() - interval '1 hour') END,
       CASE WHEN a.done THEN a.user_id END,
       a.occurred_at + interval '40 minutes'
  FROM (SELECT d.*, d.next_due < current_date AND NOT d.left_open AS done FROM demo_activity2 d) a
 ORDER BY a.occurred_at, a.client_id;

COMMIT;
