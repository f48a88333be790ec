"""docextract: verified structured records from 财政项目支出绩效自评表 (fiscal project performance self-evaluation forms)."""

__version__ = "0.1.0"
