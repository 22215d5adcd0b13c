"""Held-out labelled test set for the contact-reason classifier (``benchmarks.taxonomy_accuracy``).

Synthetic contact-centre call openings, in the same shape as the dev set ``CALLS`` of
:mod:`benchmarks.taxonomy_accuracy` (:class:`TaxCall`: language, label, the customer's opening
line giving the reason, the agent's short reply): for each of the 13 reasons of
``scoring/taxonomies/contact_reasons.yaml`` three Turkish and three English calls, plus four
calls per language that fit no reason (label ``NONE``: opening hours, general information, a
compliment, a product launch).

Written by a separate author after the dev set and before the taxonomy was tuned, in fresh
wording that reuses neither the YAML's phrases and examples nor the dev set's sentences.

Never use this set for tuning the taxonomy (phrases, examples, thresholds) or the pipeline:
it exists only for the final held-out accuracy figure. Do not read it while tuning.
"""

from __future__ import annotations

from benchmarks.taxonomy_accuracy import NONE, TaxCall, _set

__all__ = ["HELDOUT"]

HELDOUT: tuple[TaxCall, ...] = _set("tr", (
    # billing.high_bill
    ("billing.high_bill",
     "Bu ayki faturam normalde ödediğimin neredeyse iki katı gelmiş, "
     "ben hiçbir şeyi değiştirmedim ki.",
     "Hemen bakıyorum, son üç ayın kullanımını karşılaştıralım."),
    ("billing.high_bill",
     "Elektrik faturası 1850 lira gelmiş, geçen ay 600 liraydı. "
     "Bir aydır evde kimse yoktu, bu nasıl olur?",
     "Sayaç okumasını kontrol edeyim, bir dakika lütfen."),
    ("billing.high_bill",
     "Mobil hattımın faturasında bir tuhaflık var, her ay 250 lira öderken "
     "bu sefer 480 lira çıkmış.",
     "Fatura detayına bakıyorum, ek bir ücret yansımış olabilir."),
    # billing.bill_explanation
    ("billing.bill_explanation",
     "Faturamın üstünde ek hizmet bedeli yazan bir satır var, bunun ne olduğunu anlamadım. "
     "Biraz açıklar mısınız?",
     "Tabii, o kalemin neyi kapsadığını hemen anlatayım."),
    ("billing.bill_explanation",
     "İnternet faturamdaki rakamları bir türlü çözemedim. Vergiler hangisi, "
     "paket ücreti hangisi, tek tek anlatabilir misiniz?",
     "Elbette, faturanızı satır satır birlikte inceleyelim."),
    ("billing.bill_explanation",
     "Elektrik faturasında dağıtım bedeli diye bir şey görüyorum, o ne demek oluyor? "
     "Harcadığım elektrikle bir alakası var mı?",
     "Dağıtım bedelinin nasıl hesaplandığını size açıklayayım."),
    # payment.make_payment
    ("payment.make_payment",
     "Faturalar her ay hesabımdan kendiliğinden çekilsin istiyorum, sürekli unutuyorum. "
     "Bunu nasıl ayarlarız?",
     "Otomatik ödeme talimatını şimdi birlikte oluşturabiliriz."),
    ("payment.make_payment",
     "Son ödeme günü yarın, borcumu şimdi telefondan ödeyebilir miyim?",
     "Evet, ödemenizi bu görüşmede hemen alabilirim."),
    ("payment.make_payment",
     "Geçen aydan 320 lira borcum kalmış galiba, onu bugün kapatmak istiyorum. "
     "Nereye yatırayım?",
     "Size ödeme seçeneklerini sıralayayım, hangisi uygunsa onunla ilerleyelim."),
    # payment.refund
    ("payment.refund",
     "Aynı faturayı yanlışlıkla iki kere ödemişim, fazladan çekilen parayı geri alabilir miyim?",
     "Çift ödemeyi görüyorum, iade sürecini başlatıyorum."),
    ("payment.refund",
     "Aboneliğimi kapatalı iki ay oldu ama yatırdığım 500 liralık depozito hâlâ bana dönmedi.",
     "Depozito iadenizin durumuna hemen bakıyorum."),
    ("payment.refund",
     "Yurt dışına çıkmadığım halde bana yurt dışı paketi ücreti kesilmiş. "
     "O parayı geri istiyorum.",
     "Haklısınız, bu ücreti hesabınıza geri yatırıyorum."),
    # technical.no_service
    ("technical.no_service",
     "Sabahtan beri evde internet hiç yok, modemin ışıkları kırmızı yanıp duruyor.",
     "Hattınızı uzaktan kontrol ediyorum, bir saniye lütfen."),
    ("technical.no_service",
     "Mahallede iki saattir elektrik yok. Bir arıza mı var, ne zaman gelir?",
     "Bölgenizde bir çalışma görünüyor, tahmini süreyi söyleyeyim."),
    ("technical.no_service",
     "Telefonum dünden beri hiç çekmiyor, ne arama yapabiliyorum ne mesaj gidiyor. "
     "Hattım mı kapandı acaba?",
     "Hattınız açık görünüyor, bölgedeki baz istasyonunu kontrol ediyorum."),
    # technical.slow_service
    ("technical.slow_service",
     "100 megabitlik pakete para veriyorum ama hız testinde 5 megabit bile çıkmıyor.",
     "Hat değerlerinize bakıp bir hız testi de buradan başlatıyorum."),
    ("technical.slow_service",
     "Akşamları internet kaplumbağa gibi oluyor, dizi açıyorum, görüntü sürekli donuyor.",
     "Akşam saatlerindeki bağlantı kayıtlarınızı inceleyelim."),
    ("technical.slow_service",
     "Evin içinde bile konuşurken sesim gidip geliyor, karşı taraf beni doğru dürüst duyamıyor.",
     "Adresinizdeki kapsama durumunu kontrol ediyorum."),
    # account.change_plan
    ("account.change_plan",
     "Kullandığım paket bana fazla geliyor, daha az internetli ve daha ucuz bir şeye "
     "geçmek istiyorum.",
     "Kullanımınıza uygun daha ekonomik seçenekleri sıralayayım."),
    ("account.change_plan",
     "Evden çalışmaya başladım, internet paketimi daha yüksek hızlı olanla değiştirebilir miyiz?",
     "Tabii, adresinizde sunabildiğimiz hızlara bakıyorum."),
    ("account.change_plan",
     "Reklamını gördüğüm 20 gigabaytlık yeni pakete geçmek istiyorum, "
     "taahhüdüm buna engel olur mu?",
     "Taahhüdünüzü kontrol edip geçişin mümkün olup olmadığını söyleyeyim."),
    # account.move_address
    ("account.move_address",
     "Önümüzdeki ay başka bir ilçeye taşınıyoruz, internetimi yeni eve aldırmak istiyorum.",
     "Yeni adresinizde altyapı var mı, hemen bakalım."),
    ("account.move_address",
     "Yeni evime geçtim, elektrik aboneliğimi eski adresten buraya nasıl aktarırım?",
     "Nakil işlemini birlikte başlatabiliriz, yeni adresi alayım."),
    ("account.move_address",
     "Ev değiştirdim ama kart ekstrelerim hâlâ eski adrese gidiyor, yeni adresimi "
     "kaydettirmek istiyorum.",
     "Adres bilginizi hemen güncelleyelim."),
    # cancellation.cancel_service
    ("cancellation.cancel_service",
     "Artık bu hattı kullanmayacağım, tamamen kapattırmak istiyorum.",
     "Kapatma işleminden önce size birkaç bilgi vermem gerekiyor."),
    ("cancellation.cancel_service",
     "Bu ay sonunda sözleşmem bitiyor, uzatmayı düşünmüyorum. "
     "İnternet aboneliğini sonlandıralım.",
     "Anlaşıldı, sonlandırma talebinizi kaydediyorum."),
    ("cancellation.cancel_service",
     "Banka kartımı tamamen kapatmak istiyorum, artık bu bankayla çalışmayacağım.",
     "Kartınızı kapatmadan önce bekleyen bir işleminiz var mı bakayım."),
    # cards.lost_card
    ("cards.lost_card",
     "Cüzdanımı otobüste düşürmüşüm, banka kartım da içindeydi. "
     "Hemen kullanıma kapatır mısınız?",
     "Kartınızı şu anda geçici olarak kapatıyorum."),
    ("cards.lost_card",
     "Dün akşam çantamı çaldılar, kartım da içindeydi. "
     "Birisi kullanmadan durdurmak istiyorum.",
     "Geçmiş olsun, kartınızı hemen iptal edip yenisini gönderiyoruz."),
    ("cards.lost_card",
     "Kartımı bir türlü bulamıyorum, evde de yok arabada da. Yenisini nasıl çıkarırım?",
     "Önce eski kartı kapatalım, sonra yenisini adresinize yollayalım."),
    # cards.unknown_transaction
    ("cards.unknown_transaction",
     "Hesap hareketlerimde hiç tanımadığım bir yerden 740 liralık harcama var, "
     "ben böyle bir alışveriş yapmadım.",
     "İşlemin ayrıntılarına bakıp itiraz sürecini başlatalım."),
    ("cards.unknown_transaction",
     "Gece yarısı bir internet sitesinden kartımdan para çekilmiş, kesinlikle ben değilim.",
     "Kartınızı güvenlik için kapatıp işlemi inceliyorum."),
    ("cards.unknown_transaction",
     "Ekstremde yabancı bir firma adıyla 3 tane küçük ödeme görüyorum, "
     "bunların ne olduğunu hiç bilmiyorum.",
     "Bu üç işlemi tek tek kontrol edelim."),
    # complaint.repeat_problem
    ("complaint.repeat_problem",
     "Bu arızayı üçüncü kez bildiriyorum, her seferinde düzeldi diyorsunuz ama internet "
     "yine kopuyor.",
     "Özür dilerim, kaydınızı üst birime aktarıyorum."),
    ("complaint.repeat_problem",
     "Geçen hafta teknisyen geldi gitti, ama sorun aynen devam ediyor. "
     "Daha kaç kere arayacağım?",
     "Haklısınız, önceki kayıtları inceleyip kalıcı bir çözüm arayacağım."),
    ("complaint.repeat_problem",
     "Faturadaki hatayı iki haftadır söylüyorum, kimse dönüş yapmadı, hep bekleyin deniyor.",
     "Bekletildiğiniz için üzgünüm, konuyu bugün sonuçlandıralım."),
    # complaint.staff_behaviour
    ("complaint.staff_behaviour",
     "Dün görüştüğüm temsilciniz bana çok kaba davrandı, üstüne bir de yüzüme telefonu kapattı.",
     "Bunu duyduğuma üzüldüm, görüşmeyi inceleteceğim."),
    ("complaint.staff_behaviour",
     "Eve gelen teknisyen çok saygısızdı, ayakkabıyla içeri girdi, bir de bana sesini yükseltti.",
     "Çok özür dilerim, durumu ilgili ekibe bildiriyorum."),
    ("complaint.staff_behaviour",
     "Şubedeki görevli beni yarım saat bekletti, sonra umursamaz bir tavırla başından savdı.",
     "Yaşadığınız için üzgünüm, şikayetinizi kayda alıyorum."),
    # none
    (NONE,
     "Şehir merkezindeki mağazanız cumartesi günleri saat kaçta açılıyor acaba?",
     "Cumartesi sabah dokuzda açılıyor, akşam yediye kadar açık."),
    (NONE,
     "Sadece teşekkür etmek için aradım, geçen gün bana yardım eden arkadaşınız çok ilgiliydi.",
     "Ne güzel, güzel sözleriniz için çok teşekkür ederiz."),
    (NONE,
     "Yeni çıkacak telefon modeli sizde ne zaman satışa çıkıyor, ön sipariş alıyor musunuz?",
     "Gelecek ay satışa çıkması bekleniyor, ön siparişler yakında başlayacak."),
    (NONE,
     "Eski cihazlar için bir geri dönüşüm kampanyanız varmış, bunlar hakkında genel bilgi "
     "alabilir miyim?",
     "Tabii, kampanyanın nasıl işlediğini anlatayım."),
)) + _set("en", (
    # billing.high_bill
    ("billing.high_bill",
     "My phone bill came in at nearly double what I normally pay, and I honestly haven't "
     "done anything different this month.",
     "Let me compare it with your last few bills."),
    ("billing.high_bill",
     "I've just opened the electricity bill and it's 310 pounds. We're usually around 90, "
     "so something's not right.",
     "I'll check the meter readings on your account."),
    ("billing.high_bill",
     "Why is my internet bill so steep this time? It's jumped from 40 to 75 without any warning.",
     "I'll look at what's been added this month."),
    # billing.bill_explanation
    ("billing.bill_explanation",
     "There's a line on my statement called network access charge and I've no idea what "
     "it is. Could you walk me through it?",
     "Of course, I'll explain what that covers."),
    ("billing.bill_explanation",
     "I'm trying to make sense of my first bill. There's a part month and a full month on it, "
     "and I can't see how it adds up.",
     "Sure, let's go through it line by line."),
    ("billing.bill_explanation",
     "Could you tell me what the standing charge on my electricity bill actually pays for?",
     "Happy to, it's the fixed daily part of the bill, let me explain."),
    # payment.make_payment
    ("payment.make_payment",
     "I'd like to pay off what I owe on my mobile account today. Can I do that over the phone?",
     "Yes, I can take the payment now."),
    ("payment.make_payment",
     "Can we set it up so the bill comes straight out of my bank account every month? "
     "I keep forgetting.",
     "Certainly, I'll set up a monthly direct debit with you."),
    ("payment.make_payment",
     "I've got 85 dollars overdue and I want to settle it right now before it goes any further.",
     "No problem, let me bring up your balance."),
    # payment.refund
    ("payment.refund",
     "I accidentally paid my broadband bill twice last week, so I'd like the extra money "
     "sent back to me.",
     "I can see the duplicate payment, I'll send it back."),
    ("payment.refund",
     "I closed my account in March and was told my credit balance would be returned, "
     "but nothing's arrived yet.",
     "Let me check where that repayment is."),
    ("payment.refund",
     "You charged me for a router I sent back still in its box, and I want that 60 pounds "
     "put back on my card.",
     "I'll raise that for you so the money is returned."),
    # technical.no_service
    ("technical.no_service",
     "My internet's been completely dead since about six this morning, and all the lights "
     "on the box are off.",
     "Let me run a line test from here."),
    ("technical.no_service",
     "The power's gone out on our whole street. Is there a fault you know about, "
     "and when will it be back?",
     "There is work in your area, I'll give you the estimated time."),
    ("technical.no_service",
     "My phone has said no signal everywhere since yesterday, I can't call or text anyone.",
     "I'll check the masts near you."),
    # technical.slow_service
    ("technical.slow_service",
     "I'm paying for 200 meg and the speed tests keep coming back under 10. "
     "It's painfully slow.",
     "Let me check the line and run a speed test from our side."),
    ("technical.slow_service",
     "Every evening the broadband just crawls. Videos buffer constantly and my video calls "
     "keep freezing.",
     "I'll look at your connection in the evening hours."),
    ("technical.slow_service",
     "Calls on my mobile keep breaking up at home, people say I sound like a robot half "
     "the time.",
     "I'll check the coverage at your address."),
    # account.change_plan
    ("account.change_plan",
     "I barely touch the data on my plan, so I'd like to drop down to something cheaper.",
     "Let me show you the smaller options."),
    ("account.change_plan",
     "We've got three teenagers streaming now. Can we bump our internet up to the faster "
     "package?",
     "Sure, let me see what speeds we offer at your address."),
    ("account.change_plan",
     "I saw your new unlimited deal advertised. Could I switch onto that, or am I locked in?",
     "I'll check your contract and see if you can move across."),
    # account.move_address
    ("account.move_address",
     "We're relocating to a new flat at the end of next month, and I want my broadband to "
     "come with us.",
     "Let's check what's available at the new place."),
    ("account.move_address",
     "I've just got the keys to a new house. How do I move my electricity account over "
     "to the new place?",
     "I can transfer it for you, let me take the new address."),
    ("account.move_address",
     "I've moved house, so could you update my details? My card statements are still "
     "going to the old one.",
     "Of course, I'll update your address now."),
    # cancellation.cancel_service
    ("cancellation.cancel_service",
     "I want to close my mobile contract. I've found a better deal elsewhere and won't "
     "be needing it.",
     "I can help with that, there are a couple of things to go through first."),
    ("cancellation.cancel_service",
     "My contract's up at the end of the month and I won't be renewing, so please shut "
     "the account down.",
     "Understood, I'll set that up for the end date."),
    ("cancellation.cancel_service",
     "I'd like to stop the home broadband altogether, we just use our phones for "
     "everything now.",
     "Okay, let me check your notice period."),
    # cards.lost_card
    ("cards.lost_card",
     "I think I left my bank card in a cash machine yesterday and now it's gone. "
     "Can you block it straight away?",
     "I'm blocking it right now."),
    ("cards.lost_card",
     "Someone snatched my bag on the train this morning and my debit card was in it.",
     "I'm sorry to hear that, I'll stop the card and order a new one."),
    ("cards.lost_card",
     "I can't find my card anywhere, I've turned the house upside down. "
     "I'll need a replacement.",
     "Let's freeze the old one first and send you a new card."),
    # cards.unknown_transaction
    ("cards.unknown_transaction",
     "There's a payment of 240 dollars on my account from a company I've never heard of, "
     "and it definitely wasn't me.",
     "Let me look at that transaction and open a dispute."),
    ("cards.unknown_transaction",
     "I'm looking at my statement and there are four small charges from some overseas "
     "website that I didn't make.",
     "I'll go through each of them with you."),
    ("cards.unknown_transaction",
     "Someone's spent money on my card at three in the morning, and I was fast asleep.",
     "I'll secure the card and investigate that spending."),
    # complaint.repeat_problem
    ("complaint.repeat_problem",
     "This is the fourth time I've rung about my connection dropping. Every time you say "
     "it's fixed, and it isn't.",
     "I'm sorry, I'll escalate this to a senior engineer."),
    ("complaint.repeat_problem",
     "An engineer came out on Tuesday, but the exact same fault is back again. "
     "How many times do I have to call?",
     "You're right, I'll review the earlier visits and find a lasting fix."),
    ("complaint.repeat_problem",
     "I reported the billing mistake a fortnight ago and was promised a callback that "
     "never came. It's still wrong.",
     "I apologise, I'll make sure it's resolved today."),
    # complaint.staff_behaviour
    ("complaint.staff_behaviour",
     "The person I spoke to yesterday was really rude to me and then just hung up on me "
     "mid-sentence.",
     "I'm sorry, I'll have that call reviewed."),
    ("complaint.staff_behaviour",
     "Your technician turned up two hours late, was short with me the whole time and "
     "left a mess behind.",
     "I apologise, I'll pass this on to his manager."),
    ("complaint.staff_behaviour",
     "The woman at the branch counter was dismissive and talked down to me, "
     "and I'm not happy about it.",
     "I'm sorry you were treated that way, I'll log your complaint."),
    # none
    (NONE,
     "What time does your shop in the town centre close on Sundays?",
     "It closes at four on Sundays."),
    (NONE,
     "I just wanted to say thanks. The lady who helped me last week was absolutely brilliant.",
     "That's lovely to hear, I'll pass it on."),
    (NONE,
     "When is the new phone coming out in your stores? Are you taking pre-orders yet?",
     "It's due next month, and pre-orders open soon."),
    (NONE,
     "Do you run a recycling scheme for old devices? I'd just like some general information.",
     "We do, let me explain how it works."),
))
