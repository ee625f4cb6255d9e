"""The sources behind "what actually happened": a key from the content, a readable label, a link.

Scenario files cite sources by the keys of the research brief (``sources: [WP-2008, K]``).
This table turns a key into something a trainee can read and follow. A key missing here is
still shown, as itself, so new content never breaks a page.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    key: str
    label: str
    url: str = ""


_SOURCES: dict[str, tuple[str, str]] = {
    "K": ("Atul Khare, keynote at the International Peace Cooperation Symposium, Tokyo, 2016", ""),
    # UN documents and UN news
    "UN-501": (
        "UN Secretary-General, report on UNMIT S/2008/501 (January to July 2008)",
        "https://www.easttimorlawandjusticebulletin.com/2008/08/report-of-secretary-general-on-united.html",
    ),
    "UN-501-sum": (
        "UN News, summary of the Secretary-General's UNMIT report, 4 August 2008",
        "http://www.scoop.co.nz/stories/WO0808/S00080.htm",
    ),
    "UN-2009": (
        "UN Secretary-General, report on UNMIT S/2009/72",
        "https://www.easttimorlawandjusticebulletin.com/2009/02/united-nations-report-of-secretary.html",
    ),
    "UNNews-11Feb": (
        "UN News, the Security Council condemns the attacks, 11 February 2008",
        "https://news.un.org/en/story/2008/02/248652",
    ),
    "UNMIT-release-11Feb": (
        "UNMIT press release, 11 February 2008",
        "http://cjitl01.blogspot.com/2008_02_10_archive.html",
    ),
    "UNMIT-media-11Feb": (
        "UNMIT daily media review, 11 February 2008",
        "https://etan.org/et2008/2february/17/dailym11.htm",
    ),
    "UNMIT-pc-13Feb": (
        "UNMIT press conference transcript, 13 February 2008",
        "https://unmit.unmissions.org/transcript-unmit-press-conference-5",
    ),
    "UNSC-21Feb": (
        "UN Security Council press release SC/9259, 21 February 2008",
        "https://press.un.org/en/2008/sc9259.doc.htm",
    ),
    "UNSC-PRST-Aug2008": (
        "UN Security Council presidential statement S/PRST/2008/29, August 2008",
        "http://mail.laohamutuk.org/reports/UN/UNDocs/2008/sc9427.htm",
    ),
    "UNSC-Sep2007": (
        "UN Security Council press release SC/9111, 10 September 2007",
        "http://mail.laohamutuk.org/reports/UN/UNDocs/2007/sc9111.htm",
    ),
    "UNNews-Feb2007": (
        "UN News, the Security Council extends UNMIT, February 2007",
        "https://news.un.org/en/story/2007/02/209742",
    ),
    "MOU-2007": (
        "Trilateral memorandum of understanding, 26 January 2007",
        "https://www.easttimorlawandjusticebulletin.com/2009/01/2007-memorandum-of-understanding.html",
    ),
    "PPA-UNMIT": (
        "UNMIT on the signing of the Political Party Accord, 28 May 2007",
        "https://reliefweb.int/report/timor-leste/timor-leste-unmit-welcomes-signing-political-accord-ahead-30-jun-election",
    ),
    "PPA-ETAN": (
        "Political Party Accord, unofficial English translation, 2007",
        "https://etan.org/et2007/may/31/25polit.htm",
    ),
    "UNPol-1Feb": (
        "UN Police daily security briefing, 1 February 2008",
        "http://unpol-easttimor.blogspot.com/2014/05/unpol-daily-security-briefing-1.html",
    ),
    "UNPol-Mar": (
        "UN Police weekly brief, 8 to 14 March 2008",
        "http://unpol-easttimor.blogspot.com/2014/05/united-nations-police-in-east-timor.html",
    ),
    "UNPol-May": (
        "UNMIT weekly security bulletin, 14 to 21 May 2008",
        "https://unpol-easttimor.blogspot.com/2014/05/unmit-weekly-security-bulletin-14-21.html",
    ),
    "UNPol-Jun": (
        "UN Police weekly bulletin, 12 to 18 June 2008",
        "http://unpol-easttimor.blogspot.com/2014_05_01_archive.html",
    ),
    "OCHA-Jun2006": (
        "UN OCHA situation report no. 4, 2 June 2006",
        "http://samanddaniel.blogspot.com/2006/06/east-timor-problems-population.html",
    ),
    # Reference and analysis
    "WP-2008": (
        "Wikipedia, 2008 East Timorese assassination attempts",
        "https://en.wikipedia.org/wiki/2008_East_Timorese_assassination_attempts",
    ),
    "WP-2006": (
        "Wikipedia, 2006 crisis in Timor-Leste",
        "https://en.wikipedia.org/wiki/2006_crisis_in_Timor-Leste",
    ),
    "WP-Salsinha": (
        "Wikipedia, Gastão Salsinha",
        "https://en.wikipedia.org/wiki/Gast%C3%A3o_Salsinha",
    ),
    "Pres-2007": (
        "The 2007 presidential election (encyclopedia entry)",
        "http://piglix.com/piglix/East_Timorese_presidential_election,_2007",
    ),
    "Parl-2007": (
        "The 2007 parliamentary election (encyclopedia entry)",
        "https://sagapedia.com/en/2007_East_Timorese_parliamentary_election",
    ),
    "HRW-2007": (
        "Human Rights Watch, World Report 2007: East Timor",
        "https://www.hrw.org/world-report/2007/country-chapters/east-timor",
    ),
    "ICG-2008": (
        "International Crisis Group, Timor-Leste's displacement crisis, 31 March 2008",
        "https://docslib.org/doc/3458629/timor-lestes-displacement-crisis",
    ),
    # News
    "BBC-11Feb": (
        "BBC News, 11 February 2008",
        "http://news.bbc.co.uk/2/hi/asia-pacific/7238142.stm",
    ),
    "Age-critical": (
        "The Age, 11 February 2008",
        "http://www.theage.com.au/news/world/critical-ramos-horta-on-life-support/2008/02/11/1202578640733.html",
    ),
    "ABC-12Feb": (
        "ABC News (Australia), 12 February 2008",
        "https://www.abc.net.au/news/2008-02-12/ramos-horta-serious-but-stable-in-darwin/1039490",
    ),
    "AFP-11Feb": (
        "AFP report, 11 February 2008 (reposted)",
        "http://asinthedaysofnoah.blogspot.com/2008/02/land-full-of-violenceeast-timor.html",
    ),
    "Expresso-11Feb": (
        "Expresso, 11 February 2008 (reposted, Portuguese)",
        "http://timor-online.blogspot.com/2008/02/grupo-de-reinado-em-fuga.html",
    ),
    "Wikinews-PT": (
        "Wikinews (Portuguese), state of emergency declared, February 2008",
        "https://pt.m.wikinews.org/wiki/Timor-Leste_decreta_estado_de_emerg%C3%AAncia",
    ),
    "Aus-driver": (
        "The Australian, 21 February 2008 (reposted)",
        "http://timor-online.blogspot.com/2008/02/gusmao-driver-tells-of-headlong-flight.html",
    ),
    "HT-13Feb": (
        "Hindustan Times (AFP), the emergency is extended, 13 February 2008",
        "https://www.hindustantimes.com/world/east-timor-emergency-extended/story-240IdpmfAsa6lCGPgelTII.html",
    ),
    "Tribuna-13Feb": (
        "Tribuna (Brazil), the emergency is extended, 13 February 2008",
        "https://tribunapr.com.br/noticias/mundo/estado-de-emergencia-e-estendido-no-timor-leste",
    ),
    "BBC-22Feb": (
        "BBC News, 22 February 2008",
        "http://news.bbc.co.uk/2/hi/asia-pacific/7258426.stm",
    ),
    "VOA-22Feb": (
        "Voice of America, 22 February 2008",
        "http://www.voanews.com/a/a-13-2008-02-22-voa20-66807437/255693.html",
    ),
    "Lusa-23Feb": (
        "Lusa, 23 February 2008 (reposted, Portuguese)",
        "http://timor-online.blogspot.com/2008/02/governo-aceita-estrutura-e-regras-da.html",
    ),
    "ABC-UNSC-26Feb": (
        "ABC News (Reuters), the Security Council extends the mandate, 26 February 2008",
        "http://www.abc.net.au/news/2008-02-26/un-council-extends-e-timor-peacekeeping-mandate/1053606",
    ),
    "DN-28Feb": (
        "Diário de Notícias via BBC Monitoring, 28 February 2008",
        "http://www.etan.org/et2008/2february/29/28trebs.htm",
    ),
    "Lusa-4Mar": (
        "Lusa, 4 March 2008 (reposted, Portuguese)",
        "http://timor-online.blogspot.com/2008/03/salsinha-pronto-entregar-se-diz-padre.html",
    ),
    "PNN-10Mar": (
        "PNN, the joint command is renewed, 10 March 2008 (Portuguese)",
        "http://manufahi.blogspot.com/2008/03/timor-leste-comando-conjunto-renova.html",
    ),
    "ABC-13Mar": (
        "ABC / Canberra Times, 13 March 2008",
        "https://www.etan.org/et2008/3march/15/13etrebl.htm",
    ),
    "Taipei-20Mar": (
        "Taipei Times (AFP), 20 March 2008",
        "http://www.taipeitimes.com/News/world/archives/2008/03/20/2003406341",
    ),
    "WB-24Mar": (
        "World Bulletin (AP), the state of emergency is extended, 24 March 2008",
        "https://www.worldbulletin.net/archive/east-timor-extends-state-of-emergency-h19922.html",
    ),
    "Media-16Apr": (
        "UNMIT daily media review, 16 April 2008",
        "https://www.etan.org/et2008/4april/19/dailym16.htm",
    ),
    "Reuters-17Apr": (
        "Reuters, the President returns home, 17 April 2008",
        "https://www.reuters.com/article/us-timor-ramoshorta/east-timors-ramos-horta-returns-home-to-warm-welcome-idUSJAK13332120080417",
    ),
    "SMH-18Apr": (
        "Sydney Morning Herald, 18 April 2008",
        "https://www.etan.org/et2008/4april/19/18amovng.htm",
    ),
    "VOA-22Apr": (
        "Voice of America (Indonesian service), 22 April 2008",
        "https://voaindonesia.com/a/a-32-2008-04-22-voa10-85492987/70960.html",
    ),
    "Age-26Apr": ("The Age, 26 April 2008", "http://etan.org/et2008/4april/26/26treb.htm"),
    "WN-withdraw": (
        "World News, Australia to withdraw troops, 28 April 2008",
        "http://article.wn.com/view/2008/04/28/Australia_to_pull_troops_from_ETimor",
    ),
    "Reuters-29Apr": (
        "Reuters, the rebel leader surrenders, 29 April 2008",
        "https://tynesideeasttimorsolidarity.wordpress.com/2008/04/29/east-timor-rebel-leader-surrenders/",
    ),
    "Lusa-29Apr": (
        "Lusa, the rebel leader gives himself up, 29 April 2008 (Portuguese)",
        "http://manufahi.blogspot.com/2008/04/timor-leste-gasto-salsinha-apresenta-se.html",
    ),
    "AsiaNews-29Apr": (
        "AsiaNews, 29 April 2008",
        "http://www.asianews.it/index.php?l=en&idn=1&art=12126&mag=visualizzaperlastampa",
    ),
    "AAP-28Apr": (
        "AAP, the rebel leader is to surrender, 28 April 2008",
        "https://tynesideeasttimorsolidarity.wordpress.com/2008/04/28/east-timor-rebel-leader-to-surrender/",
    ),
    "ChinaDaily-12Feb": (
        "China Daily, the Security Council condemns the attacks, 12 February 2008",
        "http://www.chinadaily.com.cn/world/2008-02/12/content_6449971_2.htm",
    ),
    # The presidential decrees of the state of siege, in the official gazette
    "JR-PD-43/2008": (
        "Jornal da República, Decree of the President 43/2008: a state of siege for 48 hours "
        "from 22:00 on 11 February 2008 (Portuguese)",
        "https://mj.gov.tl/jornal/?q=node%2F492",
    ),
    "JR-PD-44/2008": (
        "Jornal da República, Decree of the President 44/2008: the state of siege renewed for "
        "ten days from 22:00 on 13 February 2008 (Portuguese)",
        "https://mj.gov.tl/jornal/?q=node/493",
    ),
    "JR-PD-45/2008": (
        "Jornal da República, Decree of the President 45/2008: the state of siege renewed again "
        "(Portuguese)",
        "http://www.mj.gov.tl/jornal/?q=node/494",
    ),
    "JR-PD-48/2008": (
        "Jornal da República, Decree of the President 48/2008: the siege kept in seven "
        "districts, a state of emergency in others (Portuguese)",
        "http://www.mj.gov.tl/jornal/?q=node/499",
    ),
    "JR-PD-49/2008": (
        "Jornal da República, Decree of the President 49/2008: measures kept because of the "
        "armed group in Ermera (Portuguese)",
        "http://www.mj.gov.tl/jornal/?q=node/500",
    ),
}


def sources_for(keys) -> list[Source]:
    """Readable sources for a point's keys, in the order the content gives them."""
    result = []
    for key in keys or ():
        label, url = _SOURCES.get(key, (key, ""))
        result.append(Source(key=key, label=label, url=url))
    return result
